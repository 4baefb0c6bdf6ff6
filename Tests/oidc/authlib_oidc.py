"""OpenID Connect from the outside with a real client library: authlib as the relying party.
It reads the discovery document, signs a person in with the code flow, PKCE and a nonce (a plain
HTTP session playing the browser on the sign-in page), validates the ID token against the JWK Set
(signature, iss, aud, exp, iat, nonce, at_hash), reads /userinfo, refreshes (a new ID token, the
same subject and auth_time, no nonce), and has a confidential client introspect the tokens. Then
single sign-on and logout: the same browser signs in again with prompt=none and no page (the same
auth_time), logs out at the end_session_endpoint with the ID token as its hint (straight back to
the registered URI with state), and prompt=none then answers login_required.

Usage: python3 authlib_oidc.py BASE_URL USERNAME PASSWORD PUBLIC_ID CONFIDENTIAL_ID CONFIDENTIAL_SECRET
The public client must have registered POST_LOGOUT as its post-logout redirect URI.
Prints one line per step; exits 0 when every step did what the contract says.
"""

import os
import sys

import requests
from authlib.common.security import generate_token
from authlib.integrations.requests_client import OAuth2Session
from authlib.jose import JsonWebKey, jwt
from authlib.oidc.core import CodeIDToken

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "oauth"))
from authlib_flow import REDIRECT, sign_in  # noqa: E402  (the browser on the sign-in page)

POST_LOGOUT = "http://127.0.0.1/signed-out"


def main(base, username, password, public_id, confidential_id, confidential_secret):
    config = requests.get(base + "/.well-known/openid-configuration").json()
    assert config["issuer"] == base, config["issuer"]
    print("discovery: issuer and endpoints read")
    keys = JsonWebKey.import_key_set(requests.get(config["jwks_uri"]).json())

    def id_token(token, nonce=None):
        params = {"client_id": public_id, "access_token": token["access_token"]}
        if nonce:
            params["nonce"] = nonce
        claims = jwt.decode(token["id_token"], keys, claims_cls=CodeIDToken,
                            claims_options={"iss": {"values": [base]}}, claims_params=params)
        claims.validate()  # iss, aud, exp, iat, nonce, at_hash
        return claims

    client = OAuth2Session(public_id, redirect_uri=REDIRECT, scope="openid profile email tasks:read",
                           code_challenge_method="S256")
    verifier, nonce = generate_token(64), generate_token(24)
    url, _ = client.create_authorization_url(config["authorization_endpoint"], code_verifier=verifier, nonce=nonce)
    browser = requests.Session()
    location = sign_in(base, url, username, password, browser)
    token = client.fetch_token(config["token_endpoint"], authorization_response=location, code_verifier=verifier)
    claims = id_token(token, nonce)
    assert claims["nonce"] == nonce and claims["aud"] == public_id and claims["preferred_username"] == username, claims
    print(f"ID token valid against the JWK Set ({jwt_alg(token['id_token'])}): sub, nonce, at_hash")

    info = client.get(config["userinfo_endpoint"])
    assert info.status_code == 200 and info.json()["sub"] == claims["sub"], info.text
    assert info.json()["preferred_username"] == username and info.json()["email_verified"] is False, info.json()
    print("userinfo: the same subject, profile and email")

    refreshed = client.refresh_token(config["token_endpoint"])
    again = id_token(refreshed)
    assert again["sub"] == claims["sub"] and again["auth_time"] == claims["auth_time"] and "nonce" not in again, again
    print("refreshed: a new ID token, the same subject and auth_time, no nonce")

    introspect = requests.post(config["introspection_endpoint"], data={"token": refreshed["access_token"]},
                               auth=(confidential_id, confidential_secret))
    assert introspect.status_code == 200 and introspect.json()["active"] is True, introspect.text
    assert introspect.json()["sub"] == claims["sub"] and introspect.json()["client_id"] == public_id, introspect.json()
    client.revoke_token(config["revocation_endpoint"], token=refreshed["refresh_token"], token_type_hint="refresh_token")
    after = requests.post(config["introspection_endpoint"], data={"token": refreshed["access_token"]},
                          auth=(confidential_id, confidential_secret))
    assert after.json() == {"active": False}, after.text
    print("introspection: active, then inactive once revoked")

    # Single sign-on: the same browser, a new request with prompt=none: the code at once.
    verifier, nonce = generate_token(64), generate_token(24)
    url, _ = client.create_authorization_url(config["authorization_endpoint"], code_verifier=verifier, nonce=nonce,
                                             prompt="none")
    silent = browser.get(url, allow_redirects=False)
    assert silent.status_code == 303 and "code=" in silent.headers["Location"], (silent.status_code, silent.headers)
    second = client.fetch_token(config["token_endpoint"], authorization_response=silent.headers["Location"],
                                code_verifier=verifier)
    again = id_token(second, nonce)
    assert again["auth_time"] == claims["auth_time"] and again["sid"] != claims["sid"], again
    print("single sign-on: prompt=none answered with a code, the first sign-in's auth_time")

    # RP-Initiated Logout: authlib has no helper for it; the URL comes from discovery.
    assert "prompt_values_supported" in config and "none" in config["prompt_values_supported"], config
    out = browser.get(config["end_session_endpoint"], allow_redirects=False,
                      params={"id_token_hint": second["id_token"], "post_logout_redirect_uri": POST_LOGOUT, "state": "bye"})
    assert out.status_code == 303 and out.headers["Location"] == POST_LOGOUT + "?state=bye", (out.status_code, out.headers)
    url, _ = client.create_authorization_url(config["authorization_endpoint"], code_verifier=generate_token(64),
                                             nonce=generate_token(24), prompt="none")
    after = browser.get(url, allow_redirects=False)
    assert after.status_code == 303 and "error=login_required" in after.headers["Location"], after.headers
    still = client.get(base + "/tasks")  # the token of the second sign-in
    assert still.status_code == 200, still.text
    print("logout: back to the registered URI with state; prompt=none then login_required; tokens live on")
    return 0


def jwt_alg(token):
    import base64
    import json
    head = token.split(".")[0]
    return json.loads(base64.urlsafe_b64decode(head + "=" * (-len(head) % 4)))["alg"]


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:7]))
