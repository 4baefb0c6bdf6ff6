"""Drives the web app at /app in headless Chromium as its users would, and after each step checks
the API's own view of the data (with tokens of its own from the password grant).

Usage: python3 web_app.py BASE_URL SCREENSHOT_DIR [refresh]
With "refresh" (against a server whose access tokens live a few seconds): the refresh check alone,
then the event stream across token lifetimes and a dropped connection.
Two accounts are made here: alice (who does everything) and bob (in a second browser profile), who
at the end share a list, each in a browser of their own, then watch one list live.
Needs selenium, pyotp and qrcode (PyPI) and Debian's chromium and chromium-driver.
Prints one line per step; exits 0 when every step held.
"""

import json
import os
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

import pyotp
import qrcode
import qrcode.util
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select, WebDriverWait

from swagger_authorize import browser, close

BASE = sys.argv[1]
SHOTS = sys.argv[2]
ALICE, ALICE_PASSWORD, NEW_PASSWORD = "alice", "correct horse battery", "a new password of hers"
BOB, BOB_PASSWORD = "bob", "bobs own password"
# A change made in one browser shows in another within this many seconds, without a reload: the
# server's second, and the browsers' own time.
LIVE_SECONDS = 3


class Failed(Exception):
    pass


def check(condition, what):
    if not condition:
        raise Failed(what)


def call(method, path, token=None, body=None, form=None):
    headers = {"User-Agent": "web_app.py"}
    data = None
    if token:
        headers["Authorization"] = "Bearer " + token
    if body is not None:
        headers["Content-Type"] = "application/json"
        data = json.dumps(body).encode()
    if form is not None:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
        data = urllib.parse.urlencode(form).encode()
    request = urllib.request.Request(BASE + path, data=data, headers=headers, method=method)
    try:
        with urllib.request.urlopen(request) as response:
            text = response.read().decode()
            return response.status, (json.loads(text) if text else None), response.headers
    except urllib.error.HTTPError as error:
        text = error.read().decode()
        return error.code, (json.loads(text) if text else None), error.headers


def token(username, password):
    status, body, _ = call("POST", "/token", form={"username": username, "password": password})
    check(status == 200, f"password grant for {username}: {status} {body}")
    return body["access_token"]


def tasks_of(access):
    items, cursor = [], None
    while True:
        status, page, _ = call("GET", "/tasks?limit=100" + (f"&cursor={cursor}" if cursor else ""), access)
        check(status == 200, f"GET /tasks {status}")
        items += page["items"]
        cursor = page["next_cursor"]
        if not cursor or not page["items"]:
            return items


def step(text):
    print("step:", text, flush=True)


class App:
    def __init__(self, driver):
        self.driver = driver
        # The app redraws parts of the page after each call: an element found just before a redraw
        # is looked for again, not taken as a failure.
        self.wait = WebDriverWait(driver, 20, ignored_exceptions=(StaleElementReferenceException,))

    def find(self, css):
        return self.wait.until(lambda d: d.find_element(By.CSS_SELECTOR, css))

    def click(self, css):
        """Clicks what `css` names once it is there, finding it again if it is redrawn meanwhile."""
        def attempt(driver):
            driver.find_element(By.CSS_SELECTOR, css).click()
            return True
        self.wait.until(attempt)

    def texts(self, css):
        # In one script, so that a list redrawn meanwhile cannot leave a stale element behind.
        return self.driver.execute_script(
            "return [...document.querySelectorAll(arguments[0])].map(e => e.innerText)", css)

    def titles(self):
        return self.texts("#task-list .task .title")

    def wait_for(self, condition, what, seconds=None):
        try:
            if seconds is None:
                self.wait.until(lambda d: condition())
            else:
                WebDriverWait(self.driver, seconds, poll_frequency=0.1,
                              ignored_exceptions=(StaleElementReferenceException,)).until(lambda d: condition())
        except Exception:
            body = self.driver.find_element(By.TAG_NAME, "body").text
            logs = [entry["message"] for entry in self.driver.get_log("browser")]
            raise Failed(f"{what}{f' (within {seconds} s)' if seconds else ''}; the page says: {body[:1500]!r}; console: {logs[-5:]}")

    def soon(self, condition, what):
        """A change made elsewhere, shown here without a reload within LIVE_SECONDS."""
        self.wait_for(condition, what + ", without a reload", LIVE_SECONDS)

    def live(self):
        """How the app's event stream is: connecting, on, retrying or off (the page marks it on <body>)."""
        return self.driver.execute_script("return document.body.dataset.live")

    def wait_live(self):
        self.wait_for(lambda: self.live() == "on", "the app's event stream open")

    def same_page(self):
        """Marks the page: `still_same_page` is true until it is loaded again."""
        self.driver.execute_script("window.stillTheSamePage = true")

    def still_same_page(self):
        return self.driver.execute_script("return window.stillTheSamePage === true")

    def in_row(self, title, css):
        """Clicks `css` in the row of the task `title`, finding it again if the row is redrawn meanwhile."""
        def attempt(driver):
            self.item(title).find_element(By.CSS_SELECTOR, css).click()
            return True
        self.wait.until(attempt)

    def rename_task(self, title, new_title):
        self.in_row(title, "button.edit")
        form = self.find("#task-list .edit-form")
        field = form.find_element(By.NAME, "title")
        field.clear()
        field.send_keys(new_title)
        form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
        self.wait_for(lambda: new_title in self.titles(), f"the new title {new_title!r}")

    def delete_task(self, title):
        self.in_row(title, "button.delete")
        self.click("#task-list .confirm-delete")
        self.wait_for(lambda: title not in self.titles(), f"{title!r} deleted")

    def activity(self):
        """The activity lines without their times ("alice added ‘Bread’")."""
        return [line.rsplit(", ", 1)[0] for line in self.texts("#activity-list li")]

    def sign_in(self, username, password, code=None):
        self.click("#sign-in")
        self.wait_for(lambda: self.driver.find_elements(By.ID, "password"), "the /authorize sign-in page")
        check("/authorize" in self.driver.current_url, "the sign-in page is the server's /authorize")
        self.driver.find_element(By.ID, "username").send_keys(username)
        self.driver.find_element(By.ID, "password").send_keys(password)
        self.driver.find_element(By.CSS_SELECTOR, "button[value=allow]").click()
        if code is not None:
            self.wait_for(lambda: self.driver.find_elements(By.ID, "code"), "the sign-in page asks for the code")
            self.driver.find_element(By.ID, "code").send_keys(code)
            self.driver.find_element(By.CSS_SELECTOR, "button[value=allow]").click()
        self.wait_for(lambda: self.find("#nav").is_displayed() and self.driver.find_elements(By.CSS_SELECTOR, "main h1"),
                      "the app after signing in")
        check("code=" not in self.driver.current_url, "the code is gone from the address")

    def add_task(self, title, priority="normal", due=None):
        # The screen may be drawn again under the test's hands (a stream that comes back after
        # its token's end reloads it): then the form is found again and filled from the start.
        for attempt in range(3):
            try:
                return self.add_task_once(title, priority, due)
            except StaleElementReferenceException:
                if attempt == 2:
                    raise
                # Sent before the screen changed (its answer may take a while on a busy machine):
                # it is there, and must not be sent twice.
                for _ in range(10):
                    time.sleep(0.5)
                    if title in self.settled_titles():
                        return

    def settled_titles(self):
        for _ in range(10):
            try:
                return self.titles()
            except StaleElementReferenceException:
                time.sleep(0.3)
        return self.titles()

    def add_task_once(self, title, priority, due):
        form = self.find("#new-task")
        before = len(self.titles())
        form.find_element(By.NAME, "title").send_keys(title)
        if (priority != "normal" or due) and not form.find_element(By.NAME, "priority").is_displayed():
            self.click("#new-task-more")  # the quick add's other fields
        if priority != "normal":
            Select(form.find_element(By.NAME, "priority")).select_by_value(priority)
        if due:
            self.driver.execute_script("arguments[0].value = arguments[1]", form.find_element(By.NAME, "due_date"), due)
        form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
        self.wait_for(lambda: len(self.titles()) == before + 1, f"the new task {title!r} in the list")

    def item(self, title):
        for element in self.driver.find_elements(By.CSS_SELECTOR, "#task-list .task"):
            if element.find_element(By.CSS_SELECTOR, ".title").text == title:
                return element
        raise Failed(f"no task {title!r} in the list: {self.titles()}")

    def filter(self, **values):
        form = self.find("#filters")
        for name, value in values.items():
            control = form.find_element(By.NAME, name)
            if not control.is_displayed():
                self.click("#filter-toggle")  # the filters beside the search
            if control.tag_name == "select":
                Select(control).select_by_value(value)
            elif control.get_attribute("type") == "date":
                self.driver.execute_script("arguments[0].value = arguments[1]", control, value)
            else:
                control.clear()
                control.send_keys(value)
        form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()

    def clear_filters(self):
        self.click("#clear-filters")
        self.wait_for(lambda: "?" not in self.driver.current_url, "the filters cleared from the address")

    def go(self, name):
        self.driver.find_element(By.LINK_TEXT, name).click()

    def shot(self, name, width):
        self.driver.set_window_size(width, 900)
        time.sleep(0.3)
        overflow = self.driver.execute_script("return document.documentElement.scrollWidth - window.innerWidth")
        check(overflow <= 0, f"{name} at {width} px is wider than the screen by {overflow} px")
        height = self.driver.execute_script("return document.documentElement.scrollHeight")
        self.driver.set_window_size(width, min(max(height + 120, 600), 4000))
        self.driver.execute_script("window.scrollTo(0, 0)")
        time.sleep(0.3)
        path = os.path.join(SHOTS, f"{name}-{width}.png")
        self.driver.save_screenshot(path)
        print("screenshot:", path, flush=True)
        self.driver.set_window_size(1280, 1000)


def unlabelled_controls(driver):
    """Every control on the page has a label a screen reader can read."""
    return driver.execute_script("""
        return [...document.querySelectorAll('input, select, textarea, button')].filter(e => {
          if (e.type === 'hidden' || e.closest('[hidden]')) return false;
          const name = (e.labels && [...e.labels].map(l => l.textContent).join('')) || e.getAttribute('aria-label') || e.textContent;
          return !name || !name.trim();
        }).map(e => e.outerHTML.slice(0, 120));""")


def qr_matches(driver, secret):
    """The QR code drawn by our encoder has the modules python-qrcode makes for the same URI."""
    drawn = driver.execute_script("""const svg = document.querySelector('.qr-code');
        return {modules: svg.modules, version: +svg.dataset.version, mask: +svg.dataset.mask};""")
    uri = f"otpauth://totp/TaskManager:{ALICE}?secret={secret}&issuer=TaskManager&algorithm=SHA1&digits=6&period=30"
    reference = qrcode.QRCode(version=drawn["version"], error_correction=qrcode.constants.ERROR_CORRECT_M, border=0,
                              mask_pattern=drawn["mask"])
    reference.add_data(qrcode.util.QRData(uri.encode(), mode=qrcode.util.MODE_8BIT_BYTE))
    reference.make(fit=False)
    return reference.get_matrix() == drawn["modules"], drawn["version"], drawn["mask"]


def main():
    for username, password in ((ALICE, ALICE_PASSWORD), (BOB, BOB_PASSWORD)):
        status, body, _ = call("POST", "/users", body={"username": username, "password": password})
        check(status == 201, f"POST /users {username}: {status} {body}")
    driver = browser()
    app = App(driver)
    driver.set_window_size(1280, 1000)
    try:
        step("GET / leads to /app, which offers to sign in")
        driver.get(BASE + "/")
        app.find("#sign-in")
        check(urllib.parse.urlparse(driver.current_url).path == "/app", f"/ went to {driver.current_url}")
        app.shot("signed-out", 360)

        step("Deny, and an answer this tab did not ask for, are refused in words")
        app.click("#sign-in")
        app.wait_for(lambda: driver.find_elements(By.CSS_SELECTOR, "button[value=deny]"), "the sign-in page")
        driver.find_element(By.CSS_SELECTOR, "button[value=deny]").click()
        app.wait_for(lambda: "Sign-in was cancelled." in app.find("main").text, "Deny said in words")
        check(urllib.parse.urlparse(driver.current_url).query == "", f"the answer left the address: {driver.current_url}")
        app.click("#sign-in")
        app.wait_for(lambda: driver.find_elements(By.CSS_SELECTOR, "button[value=deny]"), "the sign-in page")
        driver.get(BASE + "/app/callback?code=forged&state=forged")
        app.wait_for(lambda: "state differs" in app.find("main").text, "a forged state refused")
        driver.get(BASE + "/app/callback?code=forged&state=forged")
        app.wait_for(lambda: "no sign-in in progress" in app.find("main").text, "an answer with no sign-in started refused")
        check(not driver.find_elements(By.ID, "task-list"), "no list without a sign-in")

        step("sign in through /authorize with PKCE")
        app.sign_in(ALICE, ALICE_PASSWORD)
        app.wait_for(lambda: app.find("#list-status").text.startswith("No tasks yet"), "an empty list for a new user")
        calls = driver.execute_script("""return performance.getEntriesByType('resource')
            .filter(e => e.initiatorType === 'fetch')
            .map(e => ({path: new URL(e.name).pathname, start: e.startTime, end: e.responseEnd}))""")
        paths = [c["path"] for c in calls]
        check(paths[0] == "/token" and sorted(paths[1:3]) == ["/lists", "/tasks"],
              f"after the code exchange, the tasks and the lists: {paths}")
        # One round: the second request starts before the first has its answer.
        check(max(c["start"] for c in calls[1:3]) < min(c["end"] for c in calls[1:3]), f"in one round, not two: {calls[:3]}")
        print("requests after the sign-in:", calls, flush=True)
        helper = token(ALICE, ALICE_PASSWORD)
        _, sessions, _ = call("GET", "/me/sessions", helper)
        check(any(s.get("client_id") == "taskmanager-web" for s in sessions["items"]), f"a taskmanager-web session: {sessions}")
        print("api: a login session of taskmanager-web", flush=True)

        step("create three tasks")
        script_title = "<script>window.pwned = 1</script><img src=x onerror=\"window.pwned = 2\">"
        app.add_task("Buy milk", "high", "2026-12-24")
        app.add_task("Write report")
        app.add_task(script_title, "low")
        check(app.titles() == [script_title, "Write report", "Buy milk"], f"newest first: {app.titles()}")
        check(driver.execute_script("return window.pwned") is None, "a script in a title ran")
        check(not driver.find_elements(By.CSS_SELECTOR, "#task-list img, #task-list script"), "a title became markup")
        stored = tasks_of(helper)
        check([t["title"] for t in stored] == [script_title, "Write report", "Buy milk"], f"api: {stored}")
        milk = next(t for t in stored if t["title"] == "Buy milk")
        check(milk["priority"] == "high" and milk["due_date"] == "2026-12-24", f"api: {milk}")
        print("api: the three tasks, a <script> title shown as text", flush=True)

        step("filter by priority; the address keeps it across a reload")
        app.filter(priority="high")
        app.wait_for(lambda: app.titles() == ["Buy milk"], "only the high-priority task")
        check("priority=high" in driver.current_url, f"the address: {driver.current_url}")
        driver.refresh()
        app.wait_for(lambda: app.titles() == ["Buy milk"], "still filtered and signed in after a reload")
        app.filter(q="REPORT")
        app.wait_for(lambda: app.find("#list-status").text.startswith("No tasks match"), "no task is high and says report")
        app.clear_filters()
        app.filter(q="report")
        app.wait_for(lambda: app.titles() == ["Write report"], "the text filter")
        app.clear_filters()
        app.filter(due_before="2027-01-01")
        app.wait_for(lambda: app.titles() == ["Buy milk"], "the due-before filter")
        app.clear_filters()
        app.wait_for(lambda: len(app.titles()) == 3, "all three again")

        step("mark one done")
        app.item("Buy milk").find_element(By.CSS_SELECTOR, "input.done").click()
        app.wait_for(lambda: "is-done" in app.item("Buy milk").get_attribute("class"), "shown as done")
        check(next(t for t in tasks_of(helper) if t["title"] == "Buy milk")["done"] is True, "api: done")
        app.filter(done="true")
        app.wait_for(lambda: app.titles() == ["Buy milk"], "the done filter")
        app.filter(done="false")
        app.wait_for(lambda: app.titles() == [script_title, "Write report"], "the not-done filter")
        app.clear_filters()
        app.wait_for(lambda: len(app.titles()) == 3, "all three again")
        print("api: done is true", flush=True)

        step("edit one inline; an error is shown next to its field")
        app.item("Write report").find_element(By.CSS_SELECTOR, "button.edit").click()
        form = app.find("#task-list .edit-form")
        title = form.find_element(By.NAME, "title")
        title.clear()
        title.send_keys("   ")
        form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
        app.wait_for(lambda: form.find_element(By.CSS_SELECTOR, ".field-error").text, "the blank title's error next to it")
        print("error shown:", form.find_element(By.CSS_SELECTOR, ".field-error").text, flush=True)
        title.clear()
        title.send_keys("Write the report")
        form.find_element(By.NAME, "description").send_keys("Two pages")
        driver.execute_script("arguments[0].value = '2027-01-15'", form.find_element(By.NAME, "due_date"))
        form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
        app.wait_for(lambda: "Write the report" in app.titles(), "the edited title")
        edited = next(t for t in tasks_of(helper) if t["title"] == "Write the report")
        check(edited["description"] == "Two pages" and edited["due_date"] == "2027-01-15", f"api: {edited}")
        print("api: the edit", flush=True)

        step("delete one, after the confirmation")
        app.item(script_title).find_element(By.CSS_SELECTOR, "button.delete").click()
        keep = app.find("#task-list .confirm button.secondary")
        check(driver.switch_to.active_element == keep, "the focus is on Keep")
        keep.click()
        check(len(app.titles()) == 3 and len(tasks_of(helper)) == 3, "Keep deletes nothing")
        app.item(script_title).find_element(By.CSS_SELECTOR, "button.delete").click()
        app.click("#task-list .confirm-delete")
        app.wait_for(lambda: len(app.titles()) == 2, "two left")
        check([t["title"] for t in tasks_of(helper)] == ["Write the report", "Buy milk"], "api: deleted")
        print("api: two tasks left", flush=True)

        step("a task made with the keyboard alone")
        driver.refresh()
        app.find("#new-task")
        check(not unlabelled_controls(driver), f"controls without a label: {unlabelled_controls(driver)}")
        body = driver.find_element(By.TAG_NAME, "body")
        body.send_keys(Keys.TAB)
        for _ in range(25):
            if driver.switch_to.active_element.get_attribute("name") == "title":
                break
            driver.switch_to.active_element.send_keys(Keys.TAB)
        check(driver.switch_to.active_element.get_attribute("name") == "title", "Tab reaches the title field")
        outline = driver.execute_script("const s = getComputedStyle(document.activeElement); return [s.outlineStyle, s.outlineWidth]")
        check(outline == ["solid", "3px"], f"the keyboard focus is visible: {outline}")
        driver.switch_to.active_element.send_keys("Typed without a mouse", Keys.ENTER)
        app.wait_for(lambda: app.titles()[:1] == ["Typed without a mouse"], "the keyboard's task")
        check(tasks_of(helper)[0]["title"] == "Typed without a mouse", "api: the keyboard's task")
        print("api: the keyboard's task", flush=True)
        app.shot("tasks", 1280)
        app.shot("tasks", 360)
        background = "return getComputedStyle(document.body).backgroundColor"
        check(driver.execute_script(background) == "rgb(246, 247, 249)", "light by default")
        driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"features": [{"name": "prefers-color-scheme", "value": "dark"}]})
        check(driver.execute_script(background) == "rgb(21, 24, 28)", "dark when the system prefers it")
        app.shot("tasks-dark", 360)
        driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"features": [{"name": "prefers-color-scheme", "value": "light"}]})

        step("page through 45 tasks with More")
        for number in range(42):
            status, _, _ = call("POST", "/tasks", helper, {"title": f"Task number {number + 1}"})
            check(status == 201, "POST /tasks")
        check(len(tasks_of(helper)) == 45, "api: 45 tasks")
        driver.refresh()
        app.wait_for(lambda: len(app.titles()) == 20, "the first page of 20")
        check(app.titles()[0] == "Task number 42", f"newest first: {app.titles()[:2]}")

        step("the tasks come first: five in the first screen at 1280 x 760, the first at 360 x 740")
        for width, height, least in ((1280, 760, 5), (360, 740, 1)):
            for scheme in ("light", "dark"):
                driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"features": [{"name": "prefers-color-scheme", "value": scheme}]})
                driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                                       {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 600})
                driver.execute_script("window.scrollTo(0, 0)")
                time.sleep(0.3)
                seen = driver.execute_script(
                    "return [...document.querySelectorAll('#task-list .task')]"
                    ".filter(e => e.getBoundingClientRect().bottom <= window.innerHeight).length")
                check(seen >= least, f"{seen} tasks wholly in the first screen at {width} x {height} ({scheme}), not {least}")
                check(not app.find("#filter-fields").is_displayed() and not app.find("#new-task-fields").is_displayed(),
                      "the other filters and the quick add's other fields folded away")
                side = app.find(".side-lists").is_displayed()
                check(side == (width >= 900), f"the lists beside the tasks at {width} px: {side}")
                check(app.find("#list-switch").is_displayed() == (width < 900), "the list menu only when narrow")
                path = os.path.join(SHOTS, f"first-screen-{width}-{scheme}.png")
                driver.save_screenshot(path)
                print(f"layout: {seen} tasks in the first screen at {width} x {height} ({scheme}); screenshot: {path}", flush=True)
        driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
        driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"features": [{"name": "prefers-color-scheme", "value": "light"}]})
        driver.set_window_size(1280, 1000)
        app.click("#more")
        app.wait_for(lambda: len(app.titles()) == 40, "40 after More")
        check(driver.switch_to.active_element.get_attribute("class") == "done", "the focus moves to the first new task")
        app.click("#more")
        app.wait_for(lambda: len(app.titles()) == 45, "45 after More again")
        app.wait_for(lambda: not app.find("#more").is_displayed(), "no More at the end")
        check(app.titles() == [t["title"] for t in tasks_of(helper)], "the list is the API's, in its order")
        check(len(set(app.titles())) == 45, "no task twice")
        print("api: the 45 tasks, in the API's order", flush=True)
        app.filter(q="number 1")
        app.wait_for(lambda: len(app.titles()) == 11, "Task number 1 and 10-19")
        app.clear_filters()

        step("profile: an address the server refuses is said next to it; then saved, then cleared")
        app.go("Account")
        form = app.find("#profile")
        email = form.find_element(By.NAME, "email")
        email.send_keys("alice@localhost")  # the browser's own check lets it through; the server's does not
        form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
        app.wait_for(lambda: "valid email" in form.find_element(By.CSS_SELECTOR, ".field-error").text, "the email's error next to it")
        check(email.get_attribute("aria-invalid") == "true", "the field marked invalid")
        check(call("GET", "/me", helper)[1]["email"] is None, "api: nothing saved")
        email.clear()
        email.send_keys("alice@example.com")
        form.find_element(By.NAME, "full_name").send_keys("Alice Example")
        form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
        app.wait_for(lambda: call("GET", "/me", helper)[1]["full_name"] == "Alice Example", "api: the full name saved")
        check(call("GET", "/me", helper)[1]["email"] == "alice@example.com", "api: the email saved")
        app.wait_for(lambda: "Profile saved." in form.text, "said saved")
        form.find_element(By.NAME, "full_name").clear()
        form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
        app.wait_for(lambda: call("GET", "/me", helper)[1]["full_name"] is None, "api: an emptied field cleared")
        print("api: the profile saved, then the name cleared", flush=True)

        step("end another session")
        other = token(ALICE, ALICE_PASSWORD)
        check(call("GET", "/me", other)[0] == 200, "the other session works")
        app.go("Tasks")
        app.find("#task-list")
        app.go("Account")
        app.wait_for(lambda: len(driver.find_elements(By.CSS_SELECTOR, "#sessions .session")) >= 3, "the sessions")
        check(len(driver.find_elements(By.CSS_SELECTOR, "#sessions .current")) == 1, "this browser is marked")
        _, me_sessions, _ = call("GET", "/me/sessions", other)
        other_id = next(s["id"] for s in me_sessions["items"] if s["current"])
        app.click(f'#sessions .session[data-id="{other_id}"] button.end-session')
        app.wait_for(lambda: not driver.find_elements(By.CSS_SELECTOR, f'#sessions .session[data-id="{other_id}"]'), "the session gone")
        check(call("GET", "/me", other)[0] == 401, "api: the ended session's token is refused")
        check(call("GET", "/me", helper)[0] == 200, "api: the helper's session goes on")
        print("api: the ended session answers 401", flush=True)

        step("end all other sessions")
        others = [token(ALICE, ALICE_PASSWORD) for _ in range(2)]
        app.go("Tasks")
        app.find("#task-list")
        app.go("Account")
        # The web app's, the helper's, two others and the browser's own sign-in to TaskManager.
        app.wait_for(lambda: len(driver.find_elements(By.CSS_SELECTOR, "#sessions .session")) == 5, "five sessions")
        check(any("TaskManager sign-in" in t for t in app.texts("#sessions .session .title")), "the browser's sign-in is listed as such")
        app.click("#end-others")
        app.wait_for(lambda: len(driver.find_elements(By.CSS_SELECTOR, "#sessions .session")) == 1, "only this browser's session")
        check(all(call("GET", "/me", t)[0] == 401 for t in others + [helper]), "api: every other session ended")
        _, sessions, _ = call("GET", "/me/sessions", token(ALICE, ALICE_PASSWORD))
        check(sum(1 for s in sessions["items"] if s.get("client_id") == "taskmanager-web") == 1, "api: the web session goes on")
        check(not any(s["kind"] == "browser" for s in sessions["items"]), "api: the browser's sign-in ended with the others")
        helper = token(ALICE, ALICE_PASSWORD)
        print("api: the other sessions answer 401", flush=True)

        step("change the password")
        form = app.find("#password")
        form.find_element(By.NAME, "current_password").send_keys("not the password")
        form.find_element(By.NAME, "new_password").send_keys(NEW_PASSWORD)
        form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
        app.wait_for(lambda: "Incorrect password" in form.text, "the wrong current password said in words")
        form.find_element(By.NAME, "current_password").clear()
        form.find_element(By.NAME, "current_password").send_keys(ALICE_PASSWORD)
        form.find_element(By.NAME, "new_password").clear()
        form.find_element(By.NAME, "new_password").send_keys(NEW_PASSWORD)
        form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
        app.wait_for(lambda: "Password changed" in form.text, "the password changed")
        app.wait_for(lambda: len(driver.find_elements(By.CSS_SELECTOR, "#sessions .session")) == 1, "only this browser's session")
        check(call("GET", "/me", helper)[0] == 401, "api: the other sessions ended")
        check(call("POST", "/token", form={"username": ALICE, "password": ALICE_PASSWORD})[0] == 400, "api: the old password is refused")
        helper = token(ALICE, NEW_PASSWORD)
        print("api: the new password works, the old one not", flush=True)

        step("turn on the second factor with the QR code")
        app.click("#mfa-start")
        secret = app.find("#mfa-secret").text.replace(" ", "")
        same, version, mask = qr_matches(driver, secret)
        check(same, "the QR code's modules differ from python-qrcode's")
        print(f"qr: version {version}, mask {mask}, the same modules as python-qrcode", flush=True)
        app.shot("second-factor", 360)
        totp = pyotp.TOTP(secret)
        field = app.find("#mfa-confirm input[name=code]")
        field.send_keys("000000" if totp.now() != "000000" else "111111")
        app.click("#mfa-confirm button[type=submit]")
        app.wait_for(lambda: app.find("#mfa-confirm .form-error").text, "a wrong code said in words")
        print("error shown:", app.find("#mfa-confirm .form-error").text, flush=True)
        field.clear()
        field.send_keys(totp.now())
        app.click("#mfa-confirm button[type=submit]")
        app.wait_for(lambda: len(driver.find_elements(By.CSS_SELECTOR, "#recovery-codes li")) == 10, "ten recovery codes")
        recovery = app.texts("#recovery-codes li")
        check(call("GET", "/me", helper)[1]["mfa_enabled"] is True, "api: mfa_enabled")
        app.shot("account", 1280)
        app.click("#second-factor button")
        app.wait_for(lambda: "On:" in app.find("#mfa-status").text, "the factor shown as on")
        print("api: mfa_enabled is true", flush=True)

        step("sign out, then back in with a recovery code, then the factor off")
        app.click("#sign-out")
        app.wait_for(lambda: "signed out" in app.find("main").text, "signed out")
        check(driver.execute_script("return sessionStorage.length") == 0, "the refresh token forgotten")
        _, sessions, _ = call("GET", "/me/sessions", helper)
        check(not any(s.get("client_id") == "taskmanager-web" for s in sessions["items"]), f"api: the web session ended: {sessions}")
        check(not any(s["kind"] == "browser" for s in sessions["items"]), f"api: /logout ended the browser's sign-in: {sessions}")
        check(urllib.parse.urlparse(driver.current_url).path == "/app", f"back from /logout at /app: {driver.current_url}")
        print("api: the token session and the browser's sign-in ended (through /logout)", flush=True)
        driver.refresh()
        app.find("#sign-in")
        check(not driver.find_elements(By.ID, "task-list"), "a reload after sign-out stays signed out")
        driver.get(BASE + "/app/account")
        app.sign_in(ALICE, NEW_PASSWORD, code=recovery[0])
        app.wait_for(lambda: urllib.parse.urlparse(driver.current_url).path == "/app/account", "back where the user was going")
        app.wait_for(lambda: driver.find_elements(By.ID, "mfa-off"), "the turn-off form")
        off = app.find("#mfa-off")
        off.find_element(By.NAME, "password").send_keys(NEW_PASSWORD)
        off.find_element(By.NAME, "code").send_keys(totp.at(time.time() + 30))
        off.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
        app.wait_for(lambda: "Off:" in app.find("#mfa-status").text, "the factor off")
        check(call("GET", "/me", helper)[1]["mfa_enabled"] is False, "api: mfa_enabled false")
        print("api: signed in with a recovery code, the factor off", flush=True)

        step("a session ended elsewhere ends the app's event stream; the refresh is refused, so the app signs in again, "
             "which the browser's TaskManager sign-in answers at once")
        driver.get(BASE + "/app?q=number+4")
        app.wait_for(lambda: len(app.titles()) == 4, "Task number 4 and 40-42")
        app.wait_live()
        app.same_page()
        _, sessions, _ = call("GET", "/me/sessions", helper)
        ended = [session["id"] for session in sessions["items"] if session.get("client_id") == "taskmanager-web"]
        for session in ended:
            check(call("DELETE", f"/me/sessions/{session}", helper)[0] == 204, "ending the web session")
        # Nothing done in the page: the stream ends within a second, its refresh is refused. No
        # password: the browser session is live and the web app was allowed these scopes.
        app.wait_for(lambda: any(s.get("client_id") == "taskmanager-web" and s["id"] not in ended
                                 for s in call("GET", "/me/sessions", helper)[1]["items"]),
                     "a new web session, made without a page")
        app.wait_for(lambda: "q=number+4" in driver.current_url and len(app.titles()) == 4, "back at the filtered list")
        check(not app.still_same_page(), "the page went through the sign-in")
        check(not driver.find_elements(By.ID, "password"), "no sign-in page on the way")
        app.wait_live()
        app.filter(q="number 5")
        app.wait_for(lambda: app.titles() == ["Task number 5"], "the filtered list, with the new session")
        print("api: a new session without a password, back at", urllib.parse.urlparse(driver.current_url).query, flush=True)

        step("'signed in as' on another client's request; 'Not you?'; the sign-out page's Yes")
        driver.get(BASE + "/authorize?response_type=code&client_id=swagger-ui&code_challenge=" + "A" * 43
                   + "&code_challenge_method=S256&scope=me&prompt=consent")
        app.wait_for(lambda: "Signed in as" in app.find("main").text, "the consent page of a signed-in browser")
        check(not driver.find_elements(By.ID, "password"), "no password asked")
        app.shot("consent", 360)
        driver.find_element(By.CSS_SELECTOR, "button[value=switch]").click()
        app.wait_for(lambda: driver.find_elements(By.ID, "password"), "'Not you?' asks for the password")
        _, sessions, _ = call("GET", "/me/sessions", helper)
        check(not any(s["kind"] == "browser" for s in sessions["items"]), f"api: 'Not you?' ended the browser's sign-in: {sessions}")
        driver.get(BASE + "/logout")
        app.wait_for(lambda: "Sign out of TaskManager?" in app.find("main").text, "the sign-out question")
        app.shot("sign-out", 360)
        driver.find_element(By.CSS_SELECTOR, "button[value=yes]").click()
        app.wait_for(lambda: "You are signed out of TaskManager" in app.find("main").text, "signed out")
        print("pages: consent, 'Not you?' and the sign-out question work in the browser", flush=True)
    finally:
        close(driver)

    step("a second user in a second browser profile")
    second = browser()
    other_app = App(second)
    try:
        second.set_window_size(1280, 1000)
        second.get(BASE + "/app")
        other_app.sign_in(BOB, BOB_PASSWORD)
        other_app.wait_for(lambda: other_app.find("#list-status").text.startswith("No tasks yet"), "bob sees none of alice's tasks")
        other_app.add_task("Bob's own task")
        bob = token(BOB, BOB_PASSWORD)
        check([t["title"] for t in tasks_of(bob)] == ["Bob's own task"], "api: bob's task")
        check("Bob's own task" not in [t["title"] for t in tasks_of(helper)], "api: alice does not see bob's task")
        status, _, _ = call("GET", f"/tasks/{tasks_of(helper)[0]['id']}", bob)
        check(status == 404, "api: alice's task is 404 for bob")
        print("api: bob sees only his own task", flush=True)
    finally:
        close(second)
    share_a_list(helper)
    watch_a_list_live(helper)
    print("all steps passed", flush=True)


def share_a_list(helper):
    """Alice and Bob, each in a browser of their own: alice shares a list with bob as a viewer, bob
    accepts and reads it with no control that would change it; alice makes him an editor, his app
    shows him the controls at once, and he adds a task she then sees; alice removes him, and his app
    takes him back to his own lists at once, with the reason in words."""
    step("sharing: alice makes a list and invites bob as a viewer")
    alice_driver, bob_driver = browser(), browser()
    alice, bob = App(alice_driver), App(bob_driver)
    try:
        for driver in (alice_driver, bob_driver):
            driver.set_window_size(1280, 1000)
            driver.get(BASE + "/app")
        alice.sign_in(ALICE, NEW_PASSWORD)
        alice.go("Lists")
        alice.wait_for(lambda: alice.texts("#lists .title") and alice.texts("#lists .title")[0] == "My tasks",
                       "alice's default list first")
        alice.find("#new-list input[name=name]").send_keys("Groceries")
        alice.click("#new-list button[type=submit]")
        alice.wait_for(lambda: "Groceries" in alice.texts("#lists .title"), "the new list")
        status, lists, _ = call("GET", "/lists", helper)
        groceries = next(item for item in lists["items"] if item["name"] == "Groceries")
        check(groceries["role"] == "owner" and groceries["member_count"] == 1, f"api: the list {groceries}")
        list_id = groceries["id"]
        alice.shot("lists", 1280)
        alice.shot("lists", 360)
        alice_driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"features": [{"name": "prefers-color-scheme", "value": "dark"}]})
        alice.shot("lists-dark", 360)
        alice_driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"features": [{"name": "prefers-color-scheme", "value": "light"}]})
        alice.click(f"#lists li[data-id='{list_id}'] a.button")
        alice.wait_for(lambda: alice.driver.find_elements(By.ID, "invite"), "the list's sharing page")
        check(not unlabelled_controls(alice_driver), f"unlabelled controls: {unlabelled_controls(alice_driver)}")
        alice.find("#invite input[name=username]").send_keys(BOB)
        Select(alice.find("#invite select[name=role]")).select_by_value("viewer")
        alice.click("#invite button[type=submit]")
        alice.wait_for(lambda: BOB in alice.texts("#pending .title"), "bob's invitation waiting")
        alice.driver.get(BASE + f"/app?list={list_id}")
        alice.wait_for(lambda: alice.find("#tasks-heading").text == "Groceries", "the list's tasks")
        alice.add_task("Milk for the list")
        status, page, _ = call("GET", f"/tasks?list_id={list_id}", helper)
        check([t["title"] for t in page["items"]] == ["Milk for the list"], f"api: the list's task {page}")
        alice.click("#list-members")
        alice.wait_for(lambda: alice.driver.find_elements(By.ID, "invite"), "the sharing page again")
        alice.shot("share", 1280)
        alice.shot("share", 360)

        step("sharing: bob accepts and reads the list, with nothing that would change it")
        bob.sign_in(BOB, BOB_PASSWORD)
        bob.go("Lists")
        bob.wait_for(lambda: "Groceries" in bob.texts("#invitations .title"), "the invitation to bob")
        bob.click("#invitations button.accept")
        bob.wait_for(lambda: bob.driver.find_elements(By.ID, "tasks-heading") and bob.find("#tasks-heading").text == "Groceries",
                     "bob in the shared list")
        check(f"list={list_id}" in bob_driver.current_url, f"the list in the address: {bob_driver.current_url}")
        bob.wait_for(lambda: bob.titles() == ["Milk for the list"], "alice's task for bob")
        check(bob_driver.find_elements(By.ID, "read-only"), "a viewer is told so")
        check(not bob_driver.find_elements(By.ID, "new-task"), "no new-task form for a viewer")
        check(not bob_driver.find_elements(By.CSS_SELECTOR, "#task-list .edit, #task-list .delete"), "no edit or delete for a viewer")
        check(not bob.item("Milk for the list").find_element(By.CSS_SELECTOR, "input.done").is_enabled(), "done cannot be ticked")
        bob.shot("shared-viewer", 360)
        bob.shot("shared-viewer", 1280)
        bob_token = token(BOB, BOB_PASSWORD)
        status, _, _ = call("PATCH", f"/tasks/{page['items'][0]['id']}", bob_token, body={"done": True})
        check(status == 403, f"api: a viewer's change is refused: {status}")

        step("sharing: alice makes bob an editor; he adds a task and she sees it")
        alice.driver.refresh()
        alice.wait_for(lambda: alice.driver.find_elements(By.CSS_SELECTOR, f"#members select[aria-label='Role of {BOB}']"),
                       "bob among the members")
        Select(alice.find(f"#members select[aria-label='Role of {BOB}']")).select_by_value("editor")
        alice.wait_for(lambda: "Editor" in alice.texts("#members .member .meta"), "bob shown as an editor")
        members = call("GET", f"/lists/{list_id}/members", helper)[1]["items"]
        check([(m["username"], m["role"]) for m in members] == [(ALICE, "owner"), (BOB, "editor")], f"api: members {members}")
        bob.soon(lambda: bob.driver.find_elements(By.ID, "new-task"), "bob may add tasks now")
        bob.add_task("Eggs from bob")
        alice.driver.get(BASE + f"/app?list={list_id}")
        alice.wait_for(lambda: alice.titles() == ["Eggs from bob", "Milk for the list"], "bob's task in alice's view")
        eggs = next(t for t in tasks_of(helper) if t["title"] == "Eggs from bob")
        bob_id = call("GET", "/me", bob_token)[1]["id"]
        check(eggs["list_id"] == list_id and eggs["created_by"] == bob_id, f"api: bob's task in the list, made by him: {eggs}")

        step("sharing: alice removes bob; his app takes him back to his own lists at once, saying why")
        bob.same_page()
        alice.click("#list-members")
        alice.click(f"#members button[aria-label='Remove {BOB}']")
        alice.wait_for(lambda: alice.texts("#members .member .title") == [f"{ALICE} (you)"], "bob gone from the members")
        bob.soon(lambda: urllib.parse.urlparse(bob_driver.current_url).path == "/app/lists", "bob back at his lists, doing nothing")
        bob.wait_for(lambda: "You are no longer a member of “Groceries”." in bob.find("#lists-reason").text, "the reason in words")
        bob.wait_for(lambda: bob.texts("#lists .title") == ["My tasks"], "only bob's own list")
        check(bob.still_same_page(), "bob's app went back without loading the page")
        status, _, _ = call("GET", f"/tasks/{eggs['id']}", bob_token)
        check(status == 404, f"api: the list's task is 404 for bob now: {status}")
        print("api: shared, read, edited, removed; bob's app followed each change without a reload", flush=True)
    finally:
        close(alice_driver)
        close(bob_driver)


def watch_a_list_live(helper):
    """Alice and Bob watch one list, each in a browser of their own: alice's invitation shows in
    bob's open lists as it comes; what alice does shows in bob's view within LIVE_SECONDS, without a
    reload, his filters holding; the list renamed is renamed there; his activity view says who did
    what, older lines on demand, new ones as they come; the list deleted takes him back to his
    lists, saying so. Alice's tasks go with the list, so the count the Swift test expects holds."""
    step("live: alice's invitation shows in bob's open lists as it comes")
    alice_driver, bob_driver = browser(), browser()
    alice, bob = App(alice_driver), App(bob_driver)
    try:
        for driver in (alice_driver, bob_driver):
            driver.set_window_size(1280, 1000)
            driver.get(BASE + "/app")
        alice.sign_in(ALICE, NEW_PASSWORD)
        bob.sign_in(BOB, BOB_PASSWORD)
        bob.go("Lists")
        bob.wait_for(lambda: bob.texts("#lists .title") == ["My tasks"], "bob's own list alone")
        bob.wait_live()
        bob.same_page()
        status, family, _ = call("POST", "/lists", helper, {"name": "Family"})
        check(status == 201, f"api: POST /lists {status} {family}")
        list_id = family["id"]
        status, body, _ = call("POST", f"/lists/{list_id}/invitations", helper, {"username": BOB, "role": "viewer"})
        check(status == 201, f"api: the invitation {status} {body}")
        bob.soon(lambda: "Family" in bob.texts("#invitations .title"), "the invitation in bob's lists")
        bob.click("#invitations button.accept")
        bob.wait_for(lambda: bob_driver.find_elements(By.ID, "tasks-heading") and bob.find("#tasks-heading").text == "Family",
                     "bob in the list")
        bob.wait_for(lambda: bob.find("#list-status").text.startswith("No tasks yet"), "the list empty")
        alice_driver.get(BASE + f"/app?list={list_id}")
        alice.wait_for(lambda: alice.find("#tasks-heading").text == "Family", "alice in the list")

        step("live: a task alice adds shows in bob's view; ticked, it shows done")
        alice.add_task("Bread")
        bob.soon(lambda: bob.titles() == ["Bread"], "alice's new task in bob's view")
        alice.in_row("Bread", "input.done")
        bob.soon(lambda: "is-done" in bob.item("Bread").get_attribute("class"), "done in bob's view")

        step("live: bob's filters hold: a task comes into his view when it passes them, and leaves when it no longer does")
        bob.filter(done="false")
        bob.wait_for(lambda: "done=false" in bob_driver.current_url and bob.find("#list-status").text.startswith("No tasks match"),
                     "bob's view of the tasks not done")
        alice.add_task("Milk")
        bob.soon(lambda: bob.titles() == ["Milk"], "a new task not done in bob's filtered view")
        alice.in_row("Milk", "input.done")
        bob.soon(lambda: bob.titles() == [], "done, it leaves his filtered view")
        alice.in_row("Bread", "input.done")
        bob.soon(lambda: bob.titles() == ["Bread"], "not done again, it comes back")
        bob.click("#clear-filters")
        bob.wait_for(lambda: "done=" not in bob_driver.current_url and bob.titles() == ["Milk", "Bread"],
                     "both without the filter, newest first")

        step("live: alice renames a task and the list; bob sees both")
        alice.rename_task("Bread", "Wholemeal bread")
        bob.soon(lambda: bob.titles() == ["Milk", "Wholemeal bread"], "the new title in bob's view")
        status, _, _ = call("PATCH", f"/lists/{list_id}", helper, {"name": "Family chores"})
        check(status == 200, f"api: the list renamed: {status}")
        bob.soon(lambda: bob.find("#tasks-heading").text == "Family chores", "the list's new name in bob's view")
        check(any(text.startswith("Family chores") for text in bob.texts(".side-lists a")), f"and among his lists: {bob.texts('.side-lists a')}")
        chores = [f"Chore {number}" for number in range(1, 16)]
        for title in chores:
            check(call("POST", "/tasks", helper, {"title": title, "list_id": list_id})[0] == 201, "api: POST /tasks")
        newest_first = chores[::-1] + ["Milk", "Wholemeal bread"]
        bob.soon(lambda: bob.titles() == newest_first, "fifteen new tasks in bob's view, in order, none twice")
        alice.soon(lambda: alice.titles() == newest_first, "and in alice's")

        step("live: bob's activity view says who did what, older lines on demand")
        bob.click("#activity-toggle")
        said = [f"{ALICE} added ‘{title}’" for title in chores[::-1]] + [
            f"{ALICE} renamed the list to “Family chores”",
            f"{ALICE} renamed ‘Bread’ to ‘Wholemeal bread’",
            f"{ALICE} reopened ‘Bread’",
            f"{ALICE} completed ‘Milk’",
            f"{ALICE} added ‘Milk’",
            f"{ALICE} completed ‘Bread’",
            f"{ALICE} added ‘Bread’",
            "You joined",
        ]
        bob.wait_for(lambda: len(bob.activity()) == 10, "the first page of the activity")
        check(bob.activity() == said[:10], f"the newest lines: {bob.activity()}")
        check(bob.texts("#activity-list li")[0].endswith(", just now"), f"when: {bob.texts('#activity-list li')[0]}")
        for _ in range(5):
            if not bob.find("#activity-older").is_displayed():
                break
            shown = len(bob.activity())
            bob.click("#activity-older")
            bob.wait_for(lambda: len(bob.activity()) > shown or not bob.find("#activity-older").is_displayed(), "older lines on demand")
        # A line whose change shows only beside the one before it ("reopened") knows it once that is loaded.
        check(bob.activity()[:len(said)] == said, f"every line: {bob.activity()}")
        print("activity:", bob.texts("#activity-list li")[15:], flush=True)

        step("live: a task alice adds shows in bob's view and at the top of his activity; one she deletes leaves his view")
        alice.add_task("Butter")
        bob.soon(lambda: bob.titles()[:1] == ["Butter"], "the new task in bob's view")
        bob.soon(lambda: bob.activity()[:1] == [f"{ALICE} added ‘Butter’"], "a new line at the top of his activity")
        alice.delete_task("Wholemeal bread")
        bob.soon(lambda: "Wholemeal bread" not in bob.titles(), "the deleted task gone from bob's view")
        bob.soon(lambda: bob.activity()[:1] == [f"{ALICE} deleted ‘Wholemeal bread’"], "said in his activity")
        check(not unlabelled_controls(bob_driver), f"unlabelled controls: {unlabelled_controls(bob_driver)}")
        bob.shot("activity", 1280)
        bob.shot("activity", 360)

        step("live: alice deletes the list; bob's app takes him back to his lists, saying so")
        alice.click("#list-members")
        alice.click("#delete-list")
        alice.click("#confirm-delete-list")
        alice.wait_for(lambda: "Deleted “Family chores” with its tasks." in alice.find("#lists-reason").text, "alice back at her lists")
        bob.soon(lambda: urllib.parse.urlparse(bob_driver.current_url).path == "/app/lists", "bob back at his lists, doing nothing")
        bob.wait_for(lambda: "“Family chores” was deleted." in bob.find("#lists-reason").text, "the reason in words")
        bob.wait_for(lambda: bob.texts("#lists .title") == ["My tasks"], "only bob's own list")
        check(bob.still_same_page(), "no page of bob's was loaded again since his lists")
        check(call("GET", f"/lists/{list_id}", helper)[0] == 404, "api: the list is gone")
        print("live: bob followed alice's every change without a reload", flush=True)
    finally:
        close(alice_driver)
        close(bob_driver)


def offline(driver, yes):
    """The browser's network off, or on again (DevTools' network emulation: new requests fail; a
    response already open goes on, as Chromium 156 does it)."""
    driver.execute_cdp_cmd("Network.enable", {})
    driver.execute_cdp_cmd("Network.emulateNetworkConditions",
                           {"offline": yes, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1})


def refresh_before_expiry():
    """With access tokens of a few seconds (the server's --access-token-ttl), the app gets new ones
    before they expire: after several lifetimes no call has met a 401, and the kept refresh token
    has been rotated. The event stream, which ends with each access token, goes on with the next
    from where it was; when it cannot (the browser offline), the app says so, and once back online
    it gets what it missed, without a reload."""
    status, body, _ = call("POST", "/users", body={"username": "carol", "password": "carols password"})
    check(status == 201, f"POST /users carol: {status} {body}")
    driver = browser()
    app = App(driver)
    try:
        driver.get(BASE + "/app")
        app.sign_in("carol", "carols password")
        app.wait_for(lambda: app.find("#list-status").text.startswith("No tasks yet"), "the list")
        first = driver.execute_script("return sessionStorage.getItem('taskmanager.refresh-token')")
        time.sleep(15)
        app.add_task("After three lifetimes")
        tokens = driver.execute_script("""return performance.getEntriesByType('resource')
            .filter(e => new URL(e.name).pathname === '/token').length""")
        check(tokens >= 3, f"the code exchange and at least two refreshes: {tokens}")
        refused = [entry["message"] for entry in driver.get_log("browser") if "401" in entry["message"]]
        check(not refused, f"a call met a 401: {refused}")
        check(driver.execute_script("return sessionStorage.getItem('taskmanager.refresh-token')") != first, "the refresh token rotated")
        titles = [t["title"] for t in tasks_of(token("carol", "carols password"))]
        check(titles == ["After three lifetimes"], f"api: the task: {titles}")
        print(f"refreshed before expiry: {tokens} token requests, no 401", flush=True)

        step("live across token lifetimes: the event stream ends with each access token and goes on with the next")
        app.wait_live()
        app.same_page()
        shown = ["After three lifetimes"]
        for number in range(1, 7):
            title = f"Live {number}"
            check(call("POST", "/tasks", token("carol", "carols password"), {"title": title})[0] == 201, "api: POST /tasks")
            shown.insert(0, title)
            app.wait_for(lambda: app.titles() == shown, f"{title!r} in the list", LIVE_SECONDS)
            time.sleep(2)
        print("live: six changes over four token lifetimes, each shown at once", flush=True)

        step("a dropped connection misses nothing: offline, the stream that ends with its token cannot be opened "
             "again, and the app says so; back online, it gets what came meanwhile")
        offline(driver, True)
        app.wait_for(lambda: app.live() == "retrying", "the app notices that it cannot follow the changes")
        check(app.find("#live-state").text == "Connection lost: reconnecting…", f"and says so: {app.find('#live-state').text!r}")
        check(call("POST", "/tasks", token("carol", "carols password"), {"title": "Made while offline"})[0] == 201, "api: POST /tasks")
        # Long enough offline that the app's access token expires with its refresh failed: back
        # online, it must renew the token before using it again (no 401).
        time.sleep(6)
        check("Made while offline" not in app.titles(), "nothing comes while offline")
        app.shot("live-offline", 360)
        offline(driver, False)
        app.wait_for(lambda: app.titles() == ["Made while offline"] + shown, "what came meanwhile, once back online, none twice")
        app.wait_live()
        check(not app.find("#live-state").is_displayed(), "the note gone")
        check(app.still_same_page(), "without a reload")
        refused = [entry["message"] for entry in driver.get_log("browser") if "401" in entry["message"]]
        check(not refused, f"a call met a 401: {refused}")
        print("live: back online, the change made meanwhile shown, no 401", flush=True)
    finally:
        close(driver)
    print("all steps passed", flush=True)


if __name__ == "__main__":
    try:
        refresh_before_expiry() if sys.argv[3:] == ["refresh"] else main()
    except Failed as failure:
        print("FAILED:", failure, flush=True)
        sys.exit(1)
