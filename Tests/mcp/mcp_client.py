"""The MCP endpoint from the outside, with the PyPI `mcp` package's own client.

The SDK's OAuth provider does everything an AI assistant would do unaided: the 401 of POST /mcp,
protected-resource metadata (RFC 9728), authorization-server metadata (RFC 8414), dynamic client
registration (RFC 7591), PKCE S256, `resource` (RFC 8707) at /authorize and /token, the code
exchange, the retry with the token, and a refresh. The person signs in on our sign-in page in
headless Chromium (selenium), as a person would, when SIGN_IN=chromium (the test does so where
Chromium is installed, and always in CI); otherwise a plain HTTP client plays the browser. The
redirect comes back to a loopback listener this script runs, as a native MCP client's does. Then
the Streamable HTTP client lists the tools and calls each of them, and checks that refusals are
tool results with isError.

Written against mcp 2.3.0 (which speaks HTTP through `httpx2`, not `httpx`; its transport is
`mcp.client.streamable_http.streamable_http_client(url, http_client=...)`; v1's
`streamablehttp_client(url, auth=...)` is gone). Pin it: `pip install 'mcp==2.3.0'` (Python >= 3.10).

Usage: BASE=http://127.0.0.1:PORT USERNAME=alice PASSWORD=... python3 mcp_client.py
   or: python3 mcp_client.py BASE USERNAME PASSWORD [SHARE_WITH [SCREENSHOT_DIR]]
Optional: SHARE_WITH=<another existing username> for a share_list that succeeds.
Prints one line per step; exits 0 when every check held, 1 otherwise.

ASSUMPTIONS ABOUT OUR SERVER are marked "ASSUMES:" below; each must hold for this to pass. In short
(details and the SDK's source lines: /tmp/mcp-python-notes.md, written with this draft):
- POST /mcp without a token: 401, `WWW-Authenticate: Bearer resource_metadata="<BASE>/.well-known/
  oauth-protected-resource/mcp"`; a `scope=` there, if any, is what the client registers and asks for.
- that document (200 JSON): `resource` exactly "<BASE>/mcp", `authorization_servers` [issuer],
  `scopes_supported` the user scopes. The metadata GETs carry `MCP-Protocol-Version: 2026-07-28`.
- /.well-known/oauth-authorization-server (tried first) answers 200 with `issuer` equal to that
  authorization server string, `registration_endpoint`, and no `offline_access` in scopes_supported.
- POST /register (JSON, with `application_type: "native"`, `response_types`, `scope`): 200/201 with
  `client_id`, token_endpoint_auth_method "none", no secret.
- /authorize and /token take `resource` (= "<BASE>/mcp"); /token answers 200 with token_type Bearer;
  the refresh answers exactly 200. `iss` in the redirect equals the metadata's `issuer`.
- POST /mcp answers a request with 200 application/json (or text/event-stream), a notification with
  202; `Mcp-Session-Id` on the initialize answer; protocol 2025-11-25 echoed; GET /mcp may be 405;
  DELETE /mcp 200/204/405; tool refusals are results with isError; a tool declaring an
  outputSchema returns structuredContent (an object that fits it) on every success.
"""

import asyncio
import base64
import http.server
import json
import os
import queue
import secrets
import sys
import threading
from html.parser import HTMLParser
from types import SimpleNamespace
from urllib.parse import parse_qs, urljoin, urlsplit

import httpx2
from mcp import ClientSession
from mcp.client.auth import AuthorizationCodeResult, OAuthClientProvider
from mcp.client.streamable_http import streamable_http_client
from mcp.shared.exceptions import MCPError
from mcp.shared.auth import OAuthClientInformationFull, OAuthClientMetadata, OAuthToken
from pydantic import AnyUrl

ARGS = sys.argv[1:]
BASE = (ARGS[0] if len(ARGS) > 0 else os.environ.get("BASE", "")).rstrip("/")
USERNAME = ARGS[1] if len(ARGS) > 1 else os.environ.get("USERNAME", "")
PASSWORD = ARGS[2] if len(ARGS) > 2 else os.environ.get("PASSWORD", "")
SHARE_WITH = ARGS[3] if len(ARGS) > 3 else os.environ.get("SHARE_WITH", "")
SHOTS = ARGS[4] if len(ARGS) > 4 else os.environ.get("SCREENSHOTS", "")
SIGN_IN = os.environ.get("SIGN_IN", "http")

# ASSUMES: the MCP endpoint is BASE + "/mcp", and the resource it names in its protected-resource
# metadata is exactly that string (the SDK sends `resource` = the PRM's `resource` when it is the
# server URL or a parent of it; a parent — the bare public URL — would get an API token that /mcp
# refuses). BASE must be written as pydantic renders it (lower-case host, no default port, no
# trailing slash): the SDK compares `issuer` and `iss` as strings after that normalisation.
MCP_URL = BASE + "/mcp"
# ASSUMES: /register accepts an http redirect URI on 127.0.0.1 with any port, and /authorize then
# redirects to it exactly. `Listener` listens there (set in main, on a free port).
REDIRECT_URI = ""
TOOLS = [
    "list_lists", "list_tasks", "get_task", "create_task", "update_task",
    "complete_task", "delete_task", "create_list", "share_list",
]  # fmt: skip

failures: list[str] = []
http_log: list[tuple[str, str, int, dict[str, str]]] = []  # (method, path, status, selected headers)


def check(ok: bool, what: str, detail: object = "") -> bool:
    print(("ok: " if ok else "FAILED: ") + what + (f" ({detail})" if detail != "" and not ok else ""), flush=True)
    if not ok:
        failures.append(what)
    return ok


# ---------------------------------------------------------------------------------------------
# The SDK's storage: in memory, for one run.


class MemoryStorage:
    """`mcp.client.auth.TokenStorage`: the four async methods the provider calls."""

    def __init__(self):
        self.tokens: OAuthToken | None = None
        self.client_info: OAuthClientInformationFull | None = None

    async def get_tokens(self) -> OAuthToken | None:
        return self.tokens

    async def set_tokens(self, tokens: OAuthToken) -> None:
        self.tokens = tokens

    async def get_client_info(self) -> OAuthClientInformationFull | None:
        return self.client_info

    async def set_client_info(self, client_info: OAuthClientInformationFull) -> None:
        self.client_info = client_info


# ---------------------------------------------------------------------------------------------
# The browser: our sign-in page, read with a plain HTTP client that keeps its cookies.


class Forms(HTMLParser):
    """Every form of a page: its action, its inputs (name -> value) and its submit buttons."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []
        self.errors: list[str] = []
        self._in_error = False
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.forms.append({"action": attrs.get("action") or "", "method": (attrs.get("method") or "get").lower(),
                               "inputs": {}, "buttons": []})  # fmt: skip
        elif tag == "input" and self.forms and attrs.get("name"):
            self.forms[-1]["inputs"][attrs["name"]] = attrs.get("value") or ""
        elif tag == "button" and self.forms and attrs.get("name"):
            self.forms[-1]["buttons"].append((attrs["name"], attrs.get("value") or ""))
        elif tag == "p" and "error" in (attrs.get("class") or "").split():
            self._in_error, self._text = True, []

    def handle_data(self, data):
        if self._in_error:
            self._text.append(data)

    def handle_endtag(self, tag):
        if tag == "p" and self._in_error:
            self._in_error = False
            self.errors.append("".join(self._text).strip())


class Browser:
    """Signs in on our /authorize page and returns where the server sends the browser back.

    ASSUMES (Sources/TaskManager/Pages/sign-in.mustache, HTTP/AuthorizePages.swift,
    Services/SignInSteps.swift as of this draft):
    - GET /authorize answers 200 HTML with one <form method="post" action="authorize"> holding a
      hidden `request` (the anti-forgery value, bound to the `tm_browser` cookie this GET sets),
      `username` and `password` inputs (absent on the "signed in as" consent page of a live browser
      session), and submit buttons name="action" value="allow" / "deny" (consent is on the same
      page: Allow both signs in and consents; there is no separate consent step);
    - POST /authorize (form-encoded, with the cookie) answers 303 with Location = the redirect URI
      plus `code`, `state` and `iss`; a wrong password answers 200 with the page again and
      <p class="error">; a refusal is 400 with <p class="error">; a lock is 429;
    - a remembered consent with a live browser session answers GET /authorize with the 303 at once;
    - the test user has no second factor (a `code` input would mean one: this script stops there).
    """

    def __init__(self, username: str, password: str):
        self.username, self.password = username, password
        # One client for the whole run, so its cookies (tm_browser, tm_session) survive a second
        # authorization (a step-up, or a new sign-in after a failed refresh).
        self.http = httpx2.AsyncClient(follow_redirects=False, timeout=30)
        self.location: str | None = None
        self.sign_ins = 0
        self.pages: list[str] = []

    async def redirect_handler(self, authorization_url: str) -> None:
        """The SDK calls this with the full /authorize URL; it must return once the user is done."""
        self.sign_ins += 1
        query = parse_qs(urlsplit(authorization_url).query)
        shown = {k: v[0] if k in ("response_type", "code_challenge_method", "scope", "resource", "redirect_uri", "prompt") else "…"
                 for k, v in query.items()}  # fmt: skip
        print(f"sign-in #{self.sign_ins}: the SDK opens {authorization_url.split('?')[0]} with {shown}", flush=True)
        self.location = None
        response = await self.http.get(authorization_url)
        for _ in range(8):
            if response.status_code in (301, 302, 303, 307, 308):
                target = urljoin(str(response.url), response.headers["location"])
                if target.startswith(REDIRECT_URI):
                    self.location = target  # read, not followed: nothing listens there
                    return
                if urlsplit(target).netloc != urlsplit(BASE).netloc:
                    raise RuntimeError(f"the sign-in sent the browser elsewhere: {target.split('?')[0]}")
                response = await self.http.get(target)
                continue
            page = Forms()
            page.feed(response.text)
            self.pages.append(response.text)
            if response.status_code != 200:
                raise RuntimeError(f"sign-in page {response.status_code}: {page.errors or response.text[:300]}")
            form = next((f for f in page.forms if "request" in f["inputs"]), None)
            if form is None:
                raise RuntimeError(f"no sign-in form on the page: {response.text[:300]}")
            if "code" in form["inputs"]:
                raise RuntimeError("the sign-in page asks for a second-factor code: use a test user without one")
            if ("action", "allow") not in form["buttons"]:
                raise RuntimeError(f"no Allow button on the sign-in form: {form['buttons']}")
            fields = dict(form["inputs"])
            if "username" in fields:
                fields["username"] = self.username
            if "password" in fields:
                fields["password"] = self.password
            fields["action"] = "allow"
            response = await self.http.post(urljoin(str(response.url), form["action"]), data=fields)
            if response.status_code == 200:
                again = Forms()
                again.feed(response.text)
                if again.errors:
                    raise RuntimeError(f"the sign-in page says: {again.errors}")
        raise RuntimeError("the sign-in did not end in a redirect to the app within 8 steps")

    async def callback_handler(self) -> AuthorizationCodeResult:
        """The SDK calls this right after redirect_handler: the code, state and iss of the redirect."""
        if not self.location:
            raise RuntimeError("no redirect was captured")
        back = {k: v[0] for k, v in parse_qs(urlsplit(self.location).query).items()}
        if "error" in back:
            raise RuntimeError(f"/authorize answered {back['error']}: {back.get('error_description')}")
        print(f"sign-in #{self.sign_ins}: back at the redirect URI with code, state" + (", iss" if "iss" in back else ""), flush=True)
        # ASSUMES: `iss` is the issuer of the authorization-server metadata byte for byte (RFC 9207);
        # the SDK refuses a mismatch, and refuses its absence because we advertise
        # authorization_response_iss_parameter_supported: true.
        return AuthorizationCodeResult(code=back.get("code", ""), state=back.get("state"), iss=back.get("iss"))


class Listener:
    """The loopback redirect URI's server, as a native app runs one (RFC 8252 §7.3): it takes the
    one redirect of a sign-in and answers the browser with a page of its own."""

    def __init__(self):
        self.queries: queue.Queue[str] = queue.Queue()
        owner = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                owner.queries.put(urlsplit(self.path).query)
                body = b"<!doctype html><title>Signed in</title><p>Signed in. You can close this window."
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.uri = f"http://127.0.0.1:{self.server.server_address[1]}/callback"


class ChromiumBrowser:
    """Signs in on our /authorize page in headless Chromium, as a person would: the page the SDK
    opens, the username and password typed, Allow pressed; the browser then goes to the listener."""

    def __init__(self, username: str, password: str, listener: Listener):
        self.username, self.password, self.listener = username, password, listener
        self.sign_ins = 0
        self.pages: list[str] = []
        self.query: str | None = None
        self.driver = None

    async def redirect_handler(self, authorization_url: str) -> None:
        self.sign_ins += 1
        print(f"sign-in #{self.sign_ins}: Chromium opens {authorization_url.split('?')[0]}", flush=True)
        self.query = await asyncio.to_thread(self._sign_in, authorization_url)

    def _sign_in(self, url: str) -> str:
        from selenium.webdriver.common.by import By
        from selenium.webdriver.support.ui import WebDriverWait

        sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "browser"))
        from swagger_authorize import browser

        if self.driver is None:
            self.driver = browser()
            self.driver.set_window_size(360, 800)
        driver, wait = self.driver, WebDriverWait(self.driver, 30)
        driver.get(url)
        wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "button[value=allow]"))
        self.pages.append(driver.page_source)
        if SHOTS:  # the page as it opens: the app's name, "not verified by TaskManager", what it asks
            driver.save_screenshot(os.path.join(SHOTS, f"mcp-sign-in-{self.sign_ins}-360.png"))
        if driver.find_elements(By.ID, "password"):
            driver.find_element(By.ID, "username").send_keys(self.username)
            driver.find_element(By.ID, "password").send_keys(self.password)
        driver.find_element(By.CSS_SELECTOR, "button[value=allow]").click()
        query = self.listener.queries.get(timeout=30)
        wait.until(lambda d: "Signed in" in d.find_element(By.TAG_NAME, "body").text)
        return query

    async def callback_handler(self) -> AuthorizationCodeResult:
        back = {k: v[0] for k, v in parse_qs(self.query or "").items()}
        if "error" in back:
            raise RuntimeError(f"/authorize answered {back['error']}: {back.get('error_description')}")
        print(f"sign-in #{self.sign_ins}: the listener got code, state" + (", iss" if "iss" in back else ""), flush=True)
        return AuthorizationCodeResult(code=back.get("code", ""), state=back.get("state"), iss=back.get("iss"))

    def close(self):
        if self.driver is not None:
            self.driver.quit()


# ---------------------------------------------------------------------------------------------
# What the SDK sent and got, for the log (no tokens, no codes).


async def on_response(response: httpx2.Response) -> None:
    request = response.request
    keep = {}
    for name in ("www-authenticate", "content-type", "mcp-session-id", "location"):
        if name in response.headers:
            keep[name] = response.headers[name] if name != "location" else response.headers[name].split("?")[0]
    sent = {k: request.headers[k] for k in ("mcp-protocol-version", "mcp-session-id", "accept") if k in request.headers}
    sent["auth"] = "Bearer" if request.headers.get("authorization", "").startswith("Bearer ") else "-"
    http_log.append((request.method, request.url.path, response.status_code, keep))
    print(f"http: {request.method} {request.url.path} -> {response.status_code} sent {sent} got {keep}", flush=True)


def jwt_claims(token: str) -> dict | None:
    parts = token.split(".")
    if len(parts) != 3:
        return None
    try:
        return json.loads(base64.urlsafe_b64decode(parts[1] + "=" * (-len(parts[1]) % 4)))
    except ValueError:
        return None


def text_of(result) -> str:
    return "".join(getattr(block, "text", "") for block in result.content)


async def call(session: ClientSession, name: str, arguments: dict, expect_error: bool = False):
    """A tools/call; checks the result's shape the contract promises and returns it."""
    try:
        result = await session.call_tool(name, arguments)
    except MCPError as error:  # a JSON-RPC error, or an HTTP error status the transport turned into one
        check(False, f"{name}: answered with a tool result, not a JSON-RPC error", f"{error.error.code} {error.error.message}")
        return SimpleNamespace(is_error=True, structured_content=None, content=[])
    except RuntimeError as error:  # the SDK's own check of structuredContent against the tool's outputSchema
        check(False, f"{name}: structuredContent matches the tool's outputSchema", error)
        return SimpleNamespace(is_error=True, structured_content=None, content=[])
    shown = json.dumps(result.structured_content)[:160] if result.structured_content is not None else text_of(result)[:160]
    print(f"tool {name}({json.dumps(arguments)}) -> isError={result.is_error} {shown}", flush=True)
    if expect_error:
        check(result.is_error, f"{name}: a refusal is a tool result with isError true", text_of(result))
        check(bool(text_of(result)), f"{name}: the refusal's text is the API's detail", result.content)
        return result
    check(not result.is_error, f"{name}: succeeded", text_of(result))
    # ASSUMES (API.md, "Agents"): the API's JSON answer as structuredContent AND as JSON text in content.
    # An operation with no JSON answer (delete: 204) may carry neither; only what it carries is checked.
    if result.structured_content is not None:
        try:
            same = json.loads(text_of(result)) == result.structured_content
        except ValueError:
            same = False
        check(same, f"{name}: content's text is structuredContent as JSON", text_of(result)[:200])
    return result


async def main() -> int:
    if not (BASE and USERNAME and PASSWORD):
        print(__doc__)
        return 2
    global REDIRECT_URI
    print(f"mcp {mcp_version()} against {MCP_URL}, signing in with {SIGN_IN}", flush=True)
    listener = Listener()
    REDIRECT_URI = listener.uri
    browser = ChromiumBrowser(USERNAME, PASSWORD, listener) if SIGN_IN == "chromium" else Browser(USERNAME, PASSWORD)
    storage = MemoryStorage()
    provider = OAuthClientProvider(
        server_url=MCP_URL,  # the resource's URL; the PRM's `resource` is checked against it
        client_metadata=OAuthClientMetadata(
            client_name="mcp-python-sdk e2e",
            redirect_uris=[AnyUrl(REDIRECT_URI)],
            grant_types=["authorization_code", "refresh_token"],
            response_types=["code"],
            # ASSUMES: /register answers token_endpoint_auth_method "none" (or omits it) with no
            # client_secret; "client_secret_*" without a secret, or "private_key_jwt", is refused by the SDK.
            token_endpoint_auth_method="none",
            # `scope` is left unset: the SDK fills it from the 401's WWW-Authenticate `scope=`, else
            # the PRM's scopes_supported, else the AS metadata's scopes_supported, before registering.
            # ASSUMES: that is the four user scopes (the PRM's scopes_supported, no `scope=` on the
            # 401). The server keeps a registered client to the scopes it registered
            # (OAuthClient.mayAsk) and refuses `admin` at /register, so a narrower 401 `scope=` would
            # make a later step-up fail with invalid_scope, and the AS list (which has admin) would
            # make /register answer 400.
        ),
        storage=storage,
        redirect_handler=browser.redirect_handler,
        callback_handler=browser.callback_handler,
    )
    # The SDK's own client settings (create_mcp_http_client: 30 s, 300 s read for streams) plus our
    # OAuth provider and the log hook. follow_redirects is left off: the transport follows only
    # same-origin 307/308 itself.
    http = httpx2.AsyncClient(auth=provider, timeout=httpx2.Timeout(30.0, read=300.0),
                              event_hooks={"response": [on_response]})  # fmt: skip
    pages = httpx2.AsyncClient(timeout=30)  # the script's own calls to the API, beside the SDK's
    try:
        async with http, pages:
            async with streamable_http_client(MCP_URL, http_client=http) as (read, write):
                async with ClientSession(read, write, read_timeout_seconds=60) as session:
                    await exercise(session, provider, storage, browser, pages)
    except BaseException as error:  # an ExceptionGroup from the transport's task group, usually
        for leaf in leaves(error):
            check(False, "the client ran to the end", f"{type(leaf).__name__}: {leaf}")
    finally:
        if isinstance(browser, ChromiumBrowser):
            browser.close()
        else:
            await browser.http.aclose()
        listener.server.shutdown()
    # After the transport closed: what it did at the end.
    deletes = [entry for entry in http_log if entry[0] == "DELETE" and entry[1] == "/mcp"]
    if deletes:
        # ASSUMES: DELETE /mcp with the session id answers 200/204 (ends it) or 405 (not offered).
        check(deletes[-1][2] in (200, 204, 405), "DELETE /mcp on close: 200, 204 or 405", deletes[-1][2])
    print("all checks passed" if not failures else f"{len(failures)} check(s) failed: {failures}", flush=True)
    return 0 if not failures else 1


def leaves(error: BaseException):
    if hasattr(error, "exceptions"):  # an ExceptionGroup (a builtin from Python 3.11)
        for inner in error.exceptions:
            yield from leaves(inner)
    else:
        yield error


def mcp_version() -> str:
    from importlib.metadata import version

    return version("mcp")


async def exercise(session: ClientSession, provider: OAuthClientProvider, storage: MemoryStorage, browser, pages) -> None:
    # 1. initialize: the first POST /mcp is answered 401; the SDK's whole OAuth dance runs inside
    #    that request (redirect_handler is called in the middle), then the POST is sent again.
    init = await session.initialize()
    print(f"initialize -> protocolVersion {init.protocol_version}, server {init.server_info.name} {init.server_info.version}", flush=True)
    # ASSUMES: the server answers the version asked for (the SDK asks 2025-11-25 and accepts only
    # 2024-11-05..2025-11-25 back); API.md: "2025-06-18 and 2025-11-25, the one asked for echoed".
    check(init.protocol_version == "2025-11-25", "initialize: protocol 2025-11-25 echoed", init.protocol_version)
    check(init.capabilities.tools is not None, "initialize: the server declares the tools capability", init.capabilities)
    check(browser.sign_ins == 1, "the OAuth flow ran once, through our sign-in page", browser.sign_ins)
    check(any("not verified by TaskManager" in page for page in browser.pages),
          "the sign-in page names the registered client 'not verified by TaskManager'")  # fmt: skip
    sequence = [(m, p, s) for m, p, s, _ in http_log]
    first = sequence[0] if sequence else None
    check(first == ("POST", "/mcp", 401), "the first POST /mcp without a token: 401", first)
    challenge = http_log[0][3].get("www-authenticate", "") if http_log else ""
    check('resource_metadata="' + BASE + '/.well-known/oauth-protected-resource/mcp"' in challenge,
          "the 401's WWW-Authenticate names the /mcp protected-resource metadata", challenge)  # fmt: skip
    client = storage.client_info
    check(client is not None and client.client_secret is None, "registered dynamically as a public client", client)
    tokens = storage.tokens
    claims = jwt_claims(tokens.access_token) if tokens else None
    if claims is not None:
        aud = claims.get("aud")
        check(MCP_URL in (aud if isinstance(aud, list) else [aud]), "the access token's aud is the /mcp resource", aud)
        print(f"token: scope {tokens.scope!r}, expires_in {tokens.expires_in}, refresh token: {bool(tokens.refresh_token)}", flush=True)
    if tokens:
        # API.md: the API refuses a token made for /mcp (401 invalid_token).
        me = await pages.get(BASE + "/me", headers={"Authorization": "Bearer " + tokens.access_token})
        check(me.status_code == 401, "the API refuses the /mcp token: GET /me -> 401", me.status_code)

    # 2. tools/list
    listed = await session.list_tools()
    names = [tool.name for tool in listed.tools]
    for tool in listed.tools:
        props = sorted((tool.input_schema or {}).get("properties", {}))
        print(f"tool: {tool.name} inputs {props} outputSchema {'yes' if tool.output_schema else 'no'}", flush=True)
    check(set(TOOLS) <= set(names), "tools/list names the nine tools", sorted(set(TOOLS) - set(names)))
    schemas = {tool.name: (tool.input_schema or {}).get("properties", {}) for tool in listed.tools}
    # ASSUMES (API.md): arguments named as the API's fields and query parameters; task_id, list_id.
    for name, wanted in [("get_task", "task_id"), ("update_task", "task_id"), ("complete_task", "task_id"),
                         ("delete_task", "task_id"), ("list_tasks", "list_id"), ("create_task", "title"),
                         ("create_list", "name"), ("share_list", "username")]:  # fmt: skip
        if name in schemas:
            check(wanted in schemas[name], f"{name}'s input schema has {wanted}", sorted(schemas[name]))

    # 3. every tool, in an order where each has something to work on
    suffix = secrets.token_hex(3)
    lists = await call(session, "list_lists", {})
    items = (lists.structured_content or {}).get("items", [])
    check(any(item.get("is_default") for item in items), "list_lists: the default list is there", items[:1])

    made = await call(session, "create_list", {"name": f"MCP list {suffix}"})
    list_id = (made.structured_content or {}).get("id")
    check(bool(list_id) and (made.structured_content or {}).get("role") == "owner", "create_list: a list of ours", made.structured_content)

    task = await call(session, "create_task",
                      {"title": f"from MCP {suffix}", "list_id": list_id, "priority": "high", "due_date": "2026-12-24"})  # fmt: skip
    task_id = (task.structured_content or {}).get("id")
    check(bool(task_id) and (task.structured_content or {}).get("list_id") == list_id, "create_task: in the new list", task.structured_content)

    got = await call(session, "get_task", {"task_id": task_id})
    check((got.structured_content or {}).get("title") == f"from MCP {suffix}", "get_task: the task as made", got.structured_content)

    page = await call(session, "list_tasks", {"list_id": list_id, "q": suffix, "limit": 10})
    found = [item.get("id") for item in (page.structured_content or {}).get("items", [])]
    check(found == [task_id], "list_tasks: the list's one task, by q", found)

    changed = await call(session, "update_task", {"task_id": task_id, "title": f"changed by MCP {suffix}", "priority": "low"})
    check((changed.structured_content or {}).get("title") == f"changed by MCP {suffix}"
          and (changed.structured_content or {}).get("priority") == "low", "update_task: title and priority changed", changed.structured_content)  # fmt: skip

    done = await call(session, "complete_task", {"task_id": task_id})
    check((done.structured_content or {}).get("done") is True, "complete_task: done", done.structured_content)

    if SHARE_WITH:
        shared = await call(session, "share_list", {"list_id": list_id, "username": SHARE_WITH, "role": "viewer"})
        check((shared.structured_content or {}).get("username") == SHARE_WITH, "share_list: an invitation", shared.structured_content)
    else:
        print("share_list: no SHARE_WITH user given; only its refusal is checked", flush=True)
    # Refusals: tool results with isError and the API's detail, never a JSON-RPC error.
    refused = await call(session, "share_list", {"list_id": list_id, "username": f"nobody-{suffix}", "role": "viewer"},
                         expect_error=True)  # fmt: skip
    check("User not found" in text_of(refused), "share_list to an unknown user: 'User not found'", text_of(refused))

    await call(session, "delete_task", {"task_id": task_id})
    gone = await call(session, "get_task", {"task_id": task_id}, expect_error=True)
    check("Task not found" in text_of(gone), "get_task after delete_task: 'Task not found'", text_of(gone))

    # 4. a refresh in the middle of the MCP session: make the SDK think the token expired
    #    (OAuthContext is the provider's public attribute, but this pokes at SDK internals).
    before = storage.tokens.access_token if storage.tokens else None
    provider.context.token_expiry_time = 1.0  # a time long past (0 would read as "never expires")
    after_refresh = await call(session, "list_lists", {})
    refreshes = [entry for entry in http_log if entry[0] == "POST" and entry[1].endswith("/token")]
    check(storage.tokens is not None and storage.tokens.access_token != before, "a refresh gave a new access token", len(refreshes))
    check(not after_refresh.is_error and browser.sign_ins == 1, "the MCP session goes on with the refreshed token, no new sign-in",
          browser.sign_ins)  # fmt: skip

    if browser.sign_ins > 1:
        print(f"note: the browser signed in {browser.sign_ins} times (a step-up or a failed refresh)", flush=True)


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
