"""The authorization-code flow from the outside, with a real OAuth2 client library (authlib's
OAuth2Session, PKCE S256) and a plain HTTP session playing the browser on the sign-in page:
/authorize -> the form -> POST it -> the 303 -> exchange the code -> /tasks -> refresh -> revoke.
Then the same for a confidential client authenticating with HTTP Basic.

Usage: python3 authlib_flow.py BASE_URL USERNAME PASSWORD PUBLIC_ID CONFIDENTIAL_ID CONFIDENTIAL_SECRET
Prints one line per step; exits 0 when every step did what the contract says.
"""

import sys
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlparse

import requests
from authlib.common.security import generate_token
from authlib.integrations.requests_client import OAuth2Session

REDIRECT = "http://127.0.0.1:8765/callback"  # a loopback port other than the registered one's


class FormReader(HTMLParser):
    """The sign-in page's form: its action and its hidden fields."""

    def __init__(self):
        super().__init__()
        self.action, self.fields = None, {}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.action = attrs.get("action")
        if tag == "input" and attrs.get("type") == "hidden":
            self.fields[attrs["name"]] = attrs.get("value", "")


def sign_in(base, authorize_url, username, password, browser=None):
    """A browser (a fresh one unless given) on the server's page: returns the Location of the 303."""
    browser = browser or requests.Session()
    page = browser.get(authorize_url, allow_redirects=False)
    assert page.status_code == 200, f"sign-in page: {page.status_code} {page.text[:200]}"
    assert "text/html" in page.headers["Content-Type"]
    assert "frame-ancestors 'none'" in page.headers["Content-Security-Policy"]
    form = FormReader()
    form.feed(page.text)
    assert form.action == "authorize" and "request" in form.fields, form.fields
    answer = browser.post(
        base + "/" + form.action,
        data={**form.fields, "username": username, "password": password, "action": "allow"},
        allow_redirects=False,
    )
    assert answer.status_code == 303, f"allow: {answer.status_code} {answer.text[:200]}"
    return answer.headers["Location"]


def flow(base, username, password, client, label, refresh_ok=True):
    verifier = generate_token(64)
    url, state = client.create_authorization_url(base + "/authorize", code_verifier=verifier)
    location = sign_in(base, url, username, password)
    back = parse_qs(urlparse(location).query)
    assert location.startswith(REDIRECT + "?"), location
    assert back["state"] == [state] and back["iss"] == [base], back
    print(f"{label}: signed in, came back with a code, state and iss")
    token = client.fetch_token(base + "/token", authorization_response=location, code_verifier=verifier)
    assert token["token_type"].lower() == "bearer" and token["refresh_token"], token
    print(f"{label}: code exchanged, scope {token['scope']}")
    tasks = client.get(base + "/tasks")
    assert tasks.status_code == 200, tasks.text
    created = client.post(base + "/tasks", json={"title": f"from {label}"})
    assert created.status_code == 201, created.text
    print(f"{label}: GET /tasks -> 200, POST /tasks -> 201")
    old_access = token["access_token"]
    refreshed = client.refresh_token(base + "/token")
    assert refreshed["access_token"] != old_access and refreshed["refresh_token"] != token["refresh_token"]
    assert client.get(base + "/me").json()["username"] == username
    print(f"{label}: refreshed, GET /me -> 200")
    revoked = client.revoke_token(base + "/token/revoke", token=refreshed["refresh_token"], token_type_hint="refresh_token")
    assert revoked.status_code == 200, revoked.text
    after = requests.get(base + "/me", headers={"Authorization": "Bearer " + refreshed["access_token"]})
    assert after.status_code == 401, after.status_code
    print(f"{label}: revoked, the access token is refused")
    # The code again: invalid_grant.
    again = requests.post(
        base + "/token",
        data={"grant_type": "authorization_code", "code": back["code"][0], "code_verifier": verifier,
              "redirect_uri": REDIRECT, "client_id": client.client_id},
        auth=(client.client_id, client.client_secret) if client.client_secret else None,
    )
    assert again.status_code == 400 and again.json()["error"] == "invalid_grant", again.text
    print(f"{label}: the code a second time -> invalid_grant")


def main(base, username, password, public_id, confidential_id, secret):
    metadata = requests.get(base + "/.well-known/oauth-authorization-server").json()
    assert metadata["issuer"] == base and metadata["code_challenge_methods_supported"] == ["S256"], metadata
    print("metadata: issuer", metadata["issuer"])
    public = OAuth2Session(
        public_id, redirect_uri=REDIRECT, scope="me tasks:read tasks:write", code_challenge_method="S256",
        token_endpoint_auth_method="none",
    )
    flow(base, username, password, public, "public client")
    confidential = OAuth2Session(
        confidential_id, secret, redirect_uri=REDIRECT, scope="me tasks:read tasks:write", code_challenge_method="S256",
        token_endpoint_auth_method="client_secret_basic",
    )
    flow(base, username, password, confidential, "confidential client")
    # A wrong secret over Basic: 401 with a Basic challenge.
    wrong = requests.post(base + "/token", data={"grant_type": "authorization_code", "code": "x", "code_verifier": "y" * 43},
                          auth=(confidential_id, "wrong"))
    assert wrong.status_code == 401 and wrong.headers["WWW-Authenticate"].startswith("Basic"), (wrong.status_code, wrong.headers)
    print("wrong secret: 401 invalid_client with WWW-Authenticate: Basic")
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:7]))
