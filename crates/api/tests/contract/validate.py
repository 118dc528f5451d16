"""Validate recorded API exchanges against RingCentral's published OpenAPI spec.

Usage: validate.py EXCHANGES.json [--spec SPEC.yml] [--strict-status]
       validate.py --negative-cases OPERATION_ID

EXCHANGES.json is a JSON array of recorded exchanges, each
``{operationId, method, path, status, contentType, body}`` where ``body`` is
the parsed JSON body, a string for non-JSON bodies, or null when empty.

For every exchange the script finds the operation in the spec, checks that
the recorded method and path match it, picks the response for the status
(exact code, then ``4XX``-style range, then ``default``) and validates the
body against that response's schema, as JSON Schema 2020-12 converted from
OpenAPI 3.0 (``nullable``, boolean ``exclusiveMinimum``, ``$ref`` siblings,
``writeOnly`` fields, OpenAPI formats).

Error statuses the operation does not declare (RingCentral documents a 404
on only some of its operations) are validated against the spec's general
error response for that status (``components/responses/NotFound`` and so
on) and reported as notes; ``--strict-status`` makes them failures.

Fields the schema does not declare are reported as notes, never failures:
OpenAPI 3.0 allows them unless a schema says otherwise.

Exit status: 0 when every exchange validates, 1 when any does not, 2 on a
usage or spec problem. The report names the operation, the status and the
JSON pointer of each error.
"""

import argparse
import copy
import json
import pathlib
import re
import sys
import urllib.parse

import jsonschema
import referencing
import referencing.jsonschema
import yaml

DEFAULT_SPEC = "/work/shared/ringcentral/rc-public-openapi.yml"

# Every converted schema lives in one resource under this URI, so a `$ref`
# resolves the same way from any response schema.
SPEC_URI = "urn:ringcentral:openapi"

# The spec's general error response per status, used for undeclared
# error statuses. These are the responses most operations reference.
GENERAL_ERRORS = {
    400: "InvalidRequest",
    401: "Unauthorized",
    403: "Forbidden",
    404: "NotFound",
    409: "Conflict",
    415: "UnsupportedMediaType",
    429: "TooManyRequests",
    500: "InternalError",
    503: "ServiceNotAvailable",
}

# OpenAPI 3.0 keywords that carry no validation meaning in JSON Schema.
DROPPED_KEYWORDS = {"example", "examples", "xml", "externalDocs", "discriminator"}

# Keywords whose value is one subschema, or a list or map of them.
SUBSCHEMA = {"items", "not", "additionalProperties"}
SUBSCHEMA_LISTS = {"allOf", "anyOf", "oneOf"}
SUBSCHEMA_MAPS = {"properties"}


def load_spec(path):
    """Parses the YAML spec, with the C loader when PyYAML has it."""
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    with open(path, encoding="utf-8") as f:
        return yaml.load(f, Loader=loader)


def absolute_ref(ref):
    """Points a local `#/...` reference into the converted spec resource."""
    if ref.startswith("#"):
        return SPEC_URI + ref
    return ref


def convert(schema, direction="response"):
    """Converts one OpenAPI 3.0 schema object to JSON Schema 2020-12.

    `direction` decides which of `readOnly`/`writeOnly` fields stop being
    required: a writeOnly field is never sent in a response (OpenAPI 3.0,
    Schema Object, "readOnly" and "writeOnly").
    """
    if not isinstance(schema, dict):
        return schema
    if "$ref" in schema:
        # OpenAPI 3.0 ignores every sibling of `$ref`.
        return {"$ref": absolute_ref(schema["$ref"])}

    out = {}
    for key, value in schema.items():
        if key in DROPPED_KEYWORDS or key.startswith("x-"):
            continue
        if key in SUBSCHEMA:
            out[key] = convert(value, direction)
        elif key in SUBSCHEMA_LISTS:
            out[key] = [convert(s, direction) for s in value]
        elif key in SUBSCHEMA_MAPS:
            out[key] = {name: convert(s, direction) for name, s in value.items()}
        else:
            out[key] = copy.deepcopy(value)

    bound_to_numbers(out)
    drop_one_sided_required(out, direction)
    return allow_null(out) if out.pop("nullable", False) else out


def bound_to_numbers(schema):
    """Draft 4 style boolean `exclusiveMinimum` becomes 2020-12's number."""
    for exclusive, inclusive in (("exclusiveMinimum", "minimum"), ("exclusiveMaximum", "maximum")):
        flag = schema.get(exclusive)
        if isinstance(flag, bool):
            del schema[exclusive]
            if flag and inclusive in schema:
                schema[exclusive] = schema.pop(inclusive)


def drop_one_sided_required(schema, direction):
    """Removes fields from `required` that cannot appear in `direction`."""
    hidden = "writeOnly" if direction == "response" else "readOnly"
    properties = schema.get("properties", {})
    required = schema.get("required")
    if not required:
        return
    kept = [name for name in required if not properties.get(name, {}).get(hidden)]
    if kept:
        schema["required"] = kept
    else:
        del schema["required"]


def allow_null(schema):
    """`nullable: true`: the schema, or null."""
    kind = schema.get("type")
    if isinstance(kind, str) and not any(k in schema for k in SUBSCHEMA_LISTS):
        schema["type"] = [kind, "null"]
        if "enum" in schema and None not in schema["enum"]:
            schema["enum"] = schema["enum"] + [None]
        return schema
    return {"anyOf": [{"type": "null"}, schema]}


def flatten(schema, schemas, seen=()):
    """The object schemas an instance must or may match: `$ref`s followed,
    `allOf`/`anyOf`/`oneOf` branches unioned (a note is only a hint)."""
    if not isinstance(schema, dict):
        return []
    ref = schema.get("$ref")
    if ref:
        name = ref.rsplit("/", 1)[-1]
        if name in seen or name not in schemas:
            return []
        return flatten(schemas[name], schemas, seen + (name,))
    found = [schema]
    for key in SUBSCHEMA_LISTS:
        for branch in schema.get(key, []):
            found += flatten(branch, schemas, seen)
    return found


def undeclared_fields(instance, schema, schemas, at=()):
    """JSON pointers of object members no schema in reach declares."""
    flat = flatten(schema, schemas)
    if isinstance(instance, list):
        items = [s["items"] for s in flat if "items" in s]
        for i, value in enumerate(instance):
            for item in items:
                yield from undeclared_fields(value, item, schemas, at + (i,))
        return
    if not isinstance(instance, dict):
        return
    declared = {}
    for s in flat:
        for name, sub in s.get("properties", {}).items():
            declared.setdefault(name, []).append(sub)
    extra = [s["additionalProperties"] for s in flat if "additionalProperties" in s]
    for name, value in instance.items():
        if name in declared:
            for sub in declared[name]:
                yield from undeclared_fields(value, sub, schemas, at + (name,))
        elif declared and not extra:
            # Free-form objects (no `properties`) declare nothing to miss.
            yield pointer(list(at + (name,)))


# OpenAPI formats, checked as strictly as the spec names them.
INT_RANGES = {"int32": 2**31, "int64": 2**63}
DATE_TIME = re.compile(
    r"^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$"
)
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
UUID = re.compile(r"^[0-9a-fA-F]{8}(-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}$")


def format_checker():
    """Checks `int32`, `int64`, `date-time`, `date`, `uri`, `email`, `uuid`."""
    checker = jsonschema.FormatChecker(formats=())

    for name, bound in INT_RANGES.items():
        checker.checks(name)(
            lambda v, bound=bound: not isinstance(v, int) or -bound <= v < bound
        )
    checker.checks("date-time")(lambda v: not isinstance(v, str) or bool(DATE_TIME.match(v)))
    checker.checks("date")(lambda v: not isinstance(v, str) or bool(DATE.match(v)))
    checker.checks("uuid")(lambda v: not isinstance(v, str) or bool(UUID.match(v)))
    checker.checks("email")(lambda v: not isinstance(v, str) or "@" in v[1:-1])
    checker.checks("uri")(lambda v: not isinstance(v, str) or is_absolute_uri(v))
    return checker


def is_absolute_uri(text):
    """An RFC 3986 URI: a scheme, and no spaces or control characters."""
    parts = urllib.parse.urlsplit(text)
    clean = not any(c.isspace() or ord(c) < 0x20 for c in text)
    return clean and bool(re.match(r"^[A-Za-z][A-Za-z0-9+.-]*$", parts.scheme))


class Spec:
    """The spec, loaded and converted once, with operations by id."""

    def __init__(self, path):
        self.raw = load_spec(path)
        schemas = self.raw.get("components", {}).get("schemas", {})
        self.schemas = {name: convert(s) for name, s in schemas.items()}
        self.registry = self._registry(self.schemas)
        self.operations = self._operations()
        self.formats = format_checker()

    @staticmethod
    def _registry(schemas):
        contents = {"components": {"schemas": schemas}}
        resource = referencing.jsonschema.DRAFT202012.create_resource(contents)
        return referencing.Registry().with_resource(SPEC_URI, resource)

    def _operations(self):
        found = {}
        for template, item in self.raw["paths"].items():
            for method, op in item.items():
                if isinstance(op, dict) and "operationId" in op:
                    found[op["operationId"]] = (method.upper(), template, op)
        return found

    def resolve(self, obj):
        """Follows `$ref`s between non-schema components (responses)."""
        while isinstance(obj, dict) and "$ref" in obj:
            node = self.raw
            for part in obj["$ref"].lstrip("#/").split("/"):
                node = node[part.replace("~1", "/").replace("~0", "~")]
            obj = node
        return obj

    def response_for(self, op, status):
        """The response object for `status`, and how it was chosen."""
        responses = op.get("responses", {})
        for key in (str(status), f"{str(status)[0]}XX", f"{str(status)[0]}xx", "default"):
            if key in responses:
                return self.resolve(responses[key]), f"responses/{key}"
        general = GENERAL_ERRORS.get(status)
        if general:
            response = self.raw["components"]["responses"][general]
            return response, f"undeclared; components/responses/{general}"
        return None, None

    def validator(self, schema):
        """A 2020-12 validator for one converted schema."""
        return jsonschema.Draft202012Validator(
            schema, registry=self.registry, format_checker=self.formats
        )


def path_matches(template, path):
    """Whether a concrete path (no query) fits an OpenAPI path template."""
    pattern = re.escape(template)
    pattern = re.sub(r"\\\{[^}]+\\\}", "[^/]+", pattern)
    return re.fullmatch(pattern, path) is not None


def media_type(content_type):
    """`application/json; charset=utf-8` -> `application/json`."""
    return (content_type or "").split(";")[0].strip().lower()


def pointer(parts):
    """A JSON pointer (RFC 6901) from a jsonschema error path."""
    escaped = (str(p).replace("~", "~0").replace("/", "~1") for p in parts)
    return "/" + "/".join(escaped) if parts else "/"


def describe(error):
    """One line per error, the deepest cause of a combinator failure first."""
    lines = [f"{pointer(list(error.absolute_path))}: {error.message}"]
    for sub in sorted(error.context or [], key=lambda e: -len(e.absolute_path))[:3]:
        lines.append(f"    (branch) {pointer(list(sub.absolute_path))}: {sub.message}")
    return lines


class Result:
    """What one exchange produced: failures and notes."""

    def __init__(self, exchange):
        self.exchange = exchange
        self.failures = []
        self.notes = []
        self.undeclared = []

    def title(self):
        e = self.exchange
        return f"{e.get('operationId')} {e.get('method')} {e.get('path')} -> {e.get('status')}"


def check_exchange(spec, exchange, strict_status):
    """Validates one exchange; returns its Result."""
    result = Result(exchange)
    op_id = exchange.get("operationId")
    if op_id not in spec.operations:
        result.failures.append(f"operationId {op_id!r} is not in the spec")
        return result

    method, template, op = spec.operations[op_id]
    path = urllib.parse.urlsplit(exchange.get("path", "")).path
    if exchange.get("method", "").upper() != method or not path_matches(template, path):
        result.failures.append(f"request does not match the operation: {method} {template}")

    status = int(exchange["status"])
    response, chosen = spec.response_for(op, status)
    if response is None:
        result.failures.append(f"status {status} is not documented and has no general error model")
        return result
    if chosen.startswith("undeclared"):
        message = f"status {status} not declared by {op_id}; checked against {chosen[12:]}"
        (result.failures if strict_status else result.notes).append(message)

    check_body(spec, response, chosen, exchange, result)
    return result


def check_body(spec, response, chosen, exchange, result):
    """Checks the content type and validates the body against the schema."""
    status = int(exchange["status"])
    content = response.get("content")
    body = exchange.get("body")
    if not content:
        if status >= 400 and status in GENERAL_ERRORS:
            # The spec names the status but no body; RingCentral still sends
            # its error model there, so hold the body to the general one.
            general = GENERAL_ERRORS[status]
            result.notes.append(f"{chosen} has no schema; checked against {general}")
            content = spec.raw["components"]["responses"][general]["content"]
        elif body not in (None, ""):
            result.notes.append(f"{chosen} declares no body, but one was sent")
            return
        else:
            return

    kind = media_type(exchange.get("contentType"))
    declared = {media_type(k): v for k, v in content.items()}
    # Binary downloads declare ranges such as `audio/*`.
    wildcard = kind.split("/")[0] + "/*"
    if kind not in declared and wildcard in declared:
        kind = wildcard
    if kind not in declared:
        result.failures.append(f"content type {kind or 'none'!r}, spec has {sorted(declared)}")
        return
    schema = declared[kind].get("schema")
    if schema is None:
        return
    if body is None:
        result.failures.append(f"empty body, spec ({chosen}) requires {kind}")
        return
    validate_body(spec, convert(schema), chosen, body, result)


def validate_body(spec, schema, chosen, body, result):
    """Runs the schema, then lists undeclared fields as notes."""
    errors = sorted(spec.validator(schema).iter_errors(body), key=lambda e: list(e.absolute_path))
    for error in errors:
        for line in describe(error):
            result.failures.append(f"[{chosen}] {line}")
    if errors:
        return

    result.undeclared = sorted(set(undeclared_fields(body, schema, spec.schemas)))


# A value of the wrong JSON type for each OpenAPI type.
WRONG_TYPE = {
    "string": 12345,
    "integer": "not-a-number",
    "number": "not-a-number",
    "boolean": "not-a-boolean",
    "array": {"not": "an array"},
    "object": "not-an-object",
}


def negative_cases(spec, op_id):
    """Request bodies the operation's JSON schema refuses, one fault each.

    Covers a body of the wrong type, each top-level field with a value of
    the wrong type or outside its enum, each missing required field, nested
    objects missing their required fields, and an unknown field where the
    schema forbids them (OpenAPI 3.0 allows them unless it says so).
    """
    _, _, op = spec.operations[op_id]
    body = spec.resolve(op.get("requestBody", {}))
    schema = body.get("content", {}).get("application/json", {}).get("schema")
    if schema is None:
        return []
    schema = spec.resolve(schema)
    cases = [{"case": "body is an array", "body": []},
             {"case": "body is a string", "body": "text"}]
    if schema.get("additionalProperties") is False:
        unknown = minimal(spec, schema)
        unknown["unknownField"] = 1
        cases.append({"case": "unknown field", "body": unknown})
    for name in schema.get("required", []):
        cases.append({"case": f"required {name} missing", "body": minimal(spec, schema, skip=name)})
    for name, prop in schema.get("properties", {}).items():
        cases += field_cases(spec, schema, name, spec.resolve(prop))
    return cases


def minimal(spec, schema, skip=None):
    """An object holding the schema's required fields (but `skip`)."""
    out = {}
    for name in schema.get("required", []):
        if name != skip:
            out[name] = sample(spec, spec.resolve(schema["properties"][name]))
    return out


def sample(spec, schema):
    """Some valid-looking value of a schema, for required fields."""
    if "enum" in schema:
        return schema["enum"][0]
    kind = schema.get("type", "object")
    if kind == "object":
        return minimal(spec, schema)
    return {"string": "x", "integer": 1, "number": 1, "boolean": True, "array": []}[kind]


def field_cases(spec, schema, name, prop):
    """Faults of one field, each inside an otherwise minimal body."""
    if prop.get("readOnly"):
        return []
    cases = []

    def with_value(case, value):
        body = minimal(spec, schema)
        body[name] = value
        cases.append({"case": f"{name}: {case}", "body": body})

    kind = prop.get("type", "object" if "properties" in prop else None)
    if kind in WRONG_TYPE:
        with_value(f"{kind} given as {type(WRONG_TYPE[kind]).__name__}", WRONG_TYPE[kind])
    if kind == "string" and "enum" in prop:
        with_value("value outside the enum", "NotInTheEnum")
    if kind == "object" and prop.get("required"):
        with_value("nested object missing its required fields", {})
    return cases


def summarize_undeclared(results):
    """Lists undeclared fields once per operation and status, array
    indices folded, since the same record shape repeats."""
    seen = {}
    for r in results:
        key = (r.exchange.get("operationId"), r.exchange.get("status"))
        for at in r.undeclared:
            seen.setdefault(key, set()).add(re.sub(r"/\d+(?=/|$)", "/*", at))
    if not seen:
        return
    print("\nFields the spec schema does not declare (allowed; listed for review):")
    for (op_id, status), fields in sorted(seen.items(), key=str):
        print(f"  {op_id} {status}: {', '.join(sorted(fields))}")


def report(results):
    """Prints the report; returns the number of failed exchanges."""
    failed = [r for r in results if r.failures]
    for r in results:
        mark = "FAIL" if r.failures else "ok  "
        print(f"{mark} {r.title()}")
        for line in r.failures:
            print(f"       error: {line}")
        for line in r.notes:
            print(f"       note:  {line}")
    summarize_undeclared(results)
    print(f"\n{len(results) - len(failed)} of {len(results)} exchanges validate; "
          f"{len(failed)} fail.")
    return len(failed)


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("exchanges", type=pathlib.Path, nargs="?")
    parser.add_argument("--spec", default=DEFAULT_SPEC)
    parser.add_argument("--negative-cases", metavar="OPERATION_ID",
                        help="print request bodies the operation's schema refuses, as JSON")
    parser.add_argument("--strict-status", action="store_true",
                        help="fail on error statuses the operation does not declare")
    args = parser.parse_args(argv)

    if (args.exchanges is None) == (args.negative_cases is None):
        parser.error("give either EXCHANGES or --negative-cases")
    try:
        spec = Spec(args.spec)
        if args.negative_cases:
            print(json.dumps(negative_cases(spec, args.negative_cases), indent=1))
            return 0
        exchanges = json.loads(args.exchanges.read_text(encoding="utf-8"))
    except (OSError, ValueError, KeyError, yaml.YAMLError) as e:
        print(f"cannot start: {e!r}", file=sys.stderr)
        return 2

    results = [check_exchange(spec, e, args.strict_status) for e in exchanges]
    return 1 if report(results) else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
