"""Reads the demo call back through the REST API with RingCentral's own
Python SDK: the newest call-log record of extension 101 and its voicemail."""

import json
import os
import sys

from ringcentral import SDK


def credentials(path):
    """Client id, secret and Alice's JWT from demo-credentials.txt."""
    found = {}
    with open(path, encoding="utf-8") as text:
        lines = text.read().splitlines()
    for i, line in enumerate(lines):
        words = line.split()
        if line.strip().startswith("client id"):
            found["client_id"] = words[-1]
        elif line.strip().startswith("client secret"):
            found["client_secret"] = words[-1]
        elif line.strip().startswith("extension 101  password") and i + 1 < len(lines):
            found["jwt"] = lines[i + 1].split()[-1]
    missing = {"client_id", "client_secret", "jwt"} - found.keys()
    if missing:
        sys.exit(f"{path} lacks {', '.join(sorted(missing))}")
    return found


def main():
    data_dir, server = sys.argv[1], sys.argv[2]
    creds = credentials(os.path.join(data_dir, "demo-credentials.txt"))
    sdk = SDK(creds["client_id"], creds["client_secret"], server)
    platform = sdk.platform()
    platform.login(jwt=creds["jwt"])

    log = platform.get("/restapi/v1.0/account/~/extension/~/call-log",
                       {"view": "Detailed", "perPage": 1}).json_dict()
    print("Newest call-log record of extension 101:")
    print(json.dumps(log["records"][:1], indent=2))

    messages = platform.get("/restapi/v1.0/account/~/extension/~/message-store",
                            {"messageType": "VoiceMail", "perPage": 1}).json_dict()
    if not messages["records"]:
        sys.exit("no voicemail in the message store")
    message = messages["records"][0]
    print("Newest voicemail:")
    print(json.dumps(message, indent=2))

    attachment = message["attachments"][0]
    content_uri = attachment.get("uri") or f'{message["uri"]}/content/{attachment["id"]}'
    audio = platform.get(content_uri).body()
    target = os.path.join(data_dir, "demo-voicemail.wav")
    with open(target, "wb") as out:
        out.write(audio)
    print(f"Voicemail audio ({len(audio)} bytes) saved to {target}")


if __name__ == "__main__":
    main()
