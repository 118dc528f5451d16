"""Drives Switchboard with RingCentral's official Python SDK.

Run by tests/http/sdk.rs with the server address and credentials in the
environment; exits non-zero on the first surprise.
"""

import os
import warnings

from ringcentral import SDK

warnings.simplefilter("ignore")  # the SDK warns that password login is deprecated

SERVER = os.environ["SB_SERVER"]
CLIENT_ID = os.environ["SB_CLIENT_ID"]
CLIENT_SECRET = os.environ["SB_CLIENT_SECRET"]


def check(condition, what):
    if not condition:
        raise SystemExit(f"FAILED: {what}")
    print(f"ok: {what}")


def platform():
    return SDK(CLIENT_ID, CLIENT_SECRET, SERVER).platform()


def jwt_session():
    p = platform()
    p.login(jwt=os.environ["SB_JWT"])
    check(p.logged_in(), "JWT login")

    me = p.get("/restapi/v1.0/account/~/extension/~").json_dict()
    check(me["extensionNumber"] == "101", "read own extension after JWT login")

    old = p.auth().data()["access_token"]
    p.refresh()
    check(p.auth().data()["access_token"] != old, "refresh issues a new access token")

    # Without /restapi/v1.0 the SDK adds it itself.
    page = p.get("/account/~/extension", {"perPage": 3, "page": 2}).json_dict()
    check(len(page["records"]) == 3, "list page of three extensions")
    check(page["paging"]["page"] == 2, "paging reports page 2")
    check("nextPage" in page["navigation"], "navigation has a next page")

    ivr = p.get("/restapi/v1.0/account/~/extension", {"type": "IvrMenu"}).json_dict()
    ext_id = ivr["records"][0]["id"]
    one = p.get(f"/restapi/v1.0/account/~/extension/{ext_id}").json_dict()
    check(one["type"] == "IvrMenu", "read one extension by id")

    p.logout()
    check(not p.logged_in(), "logout")


def password_session():
    p = platform()
    p.login(os.environ["SB_USERNAME"], os.environ["SB_EXTENSION"], os.environ["SB_PASSWORD"])
    me = p.get("/restapi/v1.0/account/~/extension/~").json_dict()
    check(me["extensionNumber"] == os.environ["SB_EXTENSION"], "password login")

    presence = p.put(
        "/restapi/v1.0/account/~/extension/~/presence", {"dndStatus": "DoNotAcceptAnyCalls"}
    ).json_dict()
    check(presence["dndStatus"] == "DoNotAcceptAnyCalls", "set do-not-disturb")

    rule = p.put(
        "/restapi/v1.0/account/~/extension/~/answering-rule/business-hours-rule",
        {"callHandlingAction": "TakeMessagesOnly", "voicemail": {"enabled": True}},
    ).json_dict()
    check(rule["callHandlingAction"] == "TakeMessagesOnly", "change the business hours rule")
    again = p.get("/restapi/v1.0/account/~/extension/~/answering-rule/business-hours-rule")
    check(again.json_dict()["voicemail"]["enabled"], "read the changed rule back")

    calls = p.get(
        "/restapi/v1.0/account/~/extension/~/call-log", {"view": "Detailed", "perPage": "max"}
    ).json_dict()
    check(len(calls["records"]) == 2, "read the last day of the call log")
    check(calls["records"][0]["legs"][0]["master"], "the Detailed view has legs")
    one = p.get(f"/restapi/v1.0/account/~/extension/~/call-log/{calls['records'][0]['id']}")
    check("legs" not in one.json_dict(), "read one call record in the Simple view")

    p.refresh()
    account = p.get("/restapi/v1.0/account/~").json_dict()
    check(account["mainNumber"] == os.environ["SB_USERNAME"], "read account after refresh")
    p.logout()


def refused_login():
    p = SDK(CLIENT_ID, "wrong-secret", SERVER).platform()
    try:
        p.login(jwt=os.environ["SB_JWT"])
    except Exception as e:  # the SDK raises with the status and the raw body
        check("401" in str(e) and "invalid_client" in str(e), "wrong secret refused")
        return
    raise SystemExit("FAILED: login with a wrong secret succeeded")


jwt_session()
password_session()
refused_login()
print("ALL OK")
