"""The second factor from the outside, with a real TOTP implementation (pyotp) on the client side:
enrol, confirm, log in through mfa_required -> mfa-otp (a replayed code refused, the next step's
accepted), a recovery code used once then refused, turning it off; then, for a second user, an
mfa_token dying after 5 wrong codes and the username throttled.

Usage: python3 mfa_flow.py BASE_URL USERNAME PASSWORD
Prints the TOTP secrets it was given ("secret: ...") so the caller can look for them where they
must not be; prints one line per step; exits 0 when every step did what the contract says.
"""

import base64
import json
import sys
import time

import pyotp
import requests

OTP_GRANT = "http://auth0.com/oauth/grant-type/mfa-otp"
RECOVERY_GRANT = "http://auth0.com/oauth/grant-type/mfa-recovery-code"


def expect(condition, what):
    if not condition:
        print(f"FAILED: {what}")
        sys.exit(1)


def password_grant(base, username, password):
    return requests.post(f"{base}/token", data={"username": username, "password": password, "scope": "me tasks:read tasks:write"})


def mfa_token(base, username, password):
    reply = password_grant(base, username, password)
    expect(reply.status_code == 403 and reply.json().get("error") == "mfa_required", f"mfa_required: {reply.status_code} {reply.text}")
    return reply.json()["mfa_token"]


def enrol(base, token):
    bearer = {"Authorization": f"Bearer {token}"}
    reply = requests.post(f"{base}/me/mfa/totp", headers=bearer)
    expect(reply.status_code == 201, f"enrol: {reply.status_code} {reply.text}")
    secret = reply.json()["secret"]
    expect(reply.json()["otpauth_uri"].startswith("otpauth://totp/"), "otpauth URI")
    print(f"secret: {secret}")
    totp = pyotp.TOTP(secret)
    expect(pyotp.parse_uri(reply.json()["otpauth_uri"]).secret == secret, "the URI carries the secret")
    confirming = totp.now()
    confirmed = requests.post(f"{base}/me/mfa/totp/confirm", headers=bearer, json={"code": confirming})
    expect(confirmed.status_code == 200, f"confirm: {confirmed.status_code} {confirmed.text}")
    codes = confirmed.json()["recovery_codes"]
    expect(len(codes) == 10 and len(set(codes)) == 10, "ten recovery codes")
    return totp, codes, confirming


def claims(access_token):
    payload = access_token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


def main(base, username, password):
    login = password_grant(base, username, password)
    expect(login.status_code == 200, f"password grant: {login.status_code} {login.text}")
    totp, codes, confirming = enrol(base, login.json()["access_token"])
    print("enrolled and confirmed")

    # The confirming code is spent: the same code again is a replay, also within its window (the
    # very code, not totp.now(): a loaded run may have crossed into the next 30 seconds meanwhile).
    token = mfa_token(base, username, password)
    replay = requests.post(f"{base}/token", data={"grant_type": OTP_GRANT, "mfa_token": token, "otp": confirming})
    expect(replay.status_code == 400 and replay.json().get("error") == "invalid_grant", f"replay: {replay.status_code} {replay.text}")
    print("a replayed code: invalid_grant")
    # The next step's code is inside the window (+1) and not yet used.
    done = requests.post(f"{base}/token", data={"grant_type": OTP_GRANT, "mfa_token": token, "otp": totp.at(time.time() + 30)})
    expect(done.status_code == 200, f"mfa-otp: {done.status_code} {done.text}")
    expect(claims(done.json()["access_token"])["amr"] == ["pwd", "otp"], f"amr: {claims(done.json()['access_token'])}")
    me = requests.get(f"{base}/me", headers={"Authorization": f"Bearer {done.json()['access_token']}"})
    expect(me.json().get("mfa_enabled") is True, f"mfa_enabled: {me.text}")
    print("mfa-otp: token with amr pwd+otp")
    again = requests.post(f"{base}/token", data={"grant_type": OTP_GRANT, "mfa_token": token, "otp": totp.now()})
    expect(again.status_code == 400, f"the mfa_token a second time: {again.status_code}")

    # A recovery code works once.
    first = requests.post(f"{base}/token", data={"grant_type": RECOVERY_GRANT, "mfa_token": mfa_token(base, username, password), "recovery_code": codes[0]})
    expect(first.status_code == 200, f"recovery code: {first.status_code} {first.text}")
    reused = requests.post(f"{base}/token", data={"grant_type": RECOVERY_GRANT, "mfa_token": mfa_token(base, username, password), "recovery_code": codes[0]})
    expect(reused.status_code == 400 and reused.json().get("error") == "invalid_grant", f"recovery code again: {reused.status_code} {reused.text}")
    print("recovery code: accepted once, then invalid_grant")

    # Turning it off takes the password and a code; then the password alone signs in again.
    bearer = {"Authorization": f"Bearer {first.json()['access_token']}"}
    wrong = requests.delete(f"{base}/me/mfa", headers=bearer, json={"password": "not the password", "code": codes[1]})
    expect(wrong.status_code in (400, 401, 403), f"turn off with a wrong password: {wrong.status_code}")
    off = requests.delete(f"{base}/me/mfa", headers=bearer, json={"password": password, "code": codes[1]})
    expect(off.status_code == 204, f"turn off: {off.status_code} {off.text}")
    expect(password_grant(base, username, password).status_code == 200, "password alone after turning off")
    print("turned off: the password alone signs in")

    # A second user: five wrong codes kill the mfa_token and lock the username.
    other = username + "-2"
    created = requests.post(f"{base}/users", json={"username": other, "password": password})
    expect(created.status_code == 201, f"second user: {created.status_code} {created.text}")
    totp, _, _ = enrol(base, password_grant(base, other, password).json()["access_token"])
    token = mfa_token(base, other, password)
    valid = {totp.at(time.time() + offset) for offset in (-30, 0, 30)}
    wrong_codes = [code for code in (f"{n:06d}" for n in range(100000, 100100)) if code not in valid][:5]
    for code in wrong_codes:
        reply = requests.post(f"{base}/token", data={"grant_type": OTP_GRANT, "mfa_token": token, "otp": code})
        expect(reply.status_code == 400 and reply.json().get("error") == "invalid_grant", f"wrong code: {reply.status_code} {reply.text}")
    dead = requests.post(f"{base}/token", data={"grant_type": OTP_GRANT, "mfa_token": token, "otp": totp.at(time.time() + 30)})
    expect(dead.status_code in (400, 429), f"the right code on a dead mfa_token: {dead.status_code} {dead.text}")
    locked = password_grant(base, other, password)
    expect(locked.status_code == 429 and "Retry-After" in locked.headers, f"throttled: {locked.status_code} {locked.text}")
    print("five wrong codes: mfa_token dead, username throttled")
    print("mfa flow passed")


if __name__ == "__main__":
    main(*sys.argv[1:4])
