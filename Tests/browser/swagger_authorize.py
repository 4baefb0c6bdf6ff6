"""Drives /docs in headless Chromium as a person would: Authorize with a username and password,
then "Try it out" on GET /me and POST /tasks. Exit 0 when both succeed.

Usage: python3 swagger_authorize.py BASE_URL USERNAME PASSWORD
Needs selenium (PyPI) and Debian's chromium and chromium-driver.
"""

import json
import shutil
import sys

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait


def browser() -> webdriver.Chrome:
    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1400,2400"):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    service = Service(executable_path=shutil.which("chromedriver") or "/usr/bin/chromedriver")
    return webdriver.Chrome(service=service, options=options)


def main(base: str, username: str, password: str) -> int:
    driver = browser()
    wait = WebDriverWait(driver, 30)
    try:
        driver.get(base + "/docs")
        wait.until(EC.element_to_be_clickable((By.CSS_SELECTOR, "button.authorize"))).click()

        # The OAuth2 password flow of the document, with its scopes.
        wait.until(EC.visibility_of_element_located((By.ID, "oauth_username"))).send_keys(username)
        driver.find_element(By.ID, "oauth_password").send_keys(password)
        dialog = driver.find_element(By.CSS_SELECTOR, ".modal-ux")
        scopes = [element.text for element in dialog.find_elements(By.CSS_SELECTOR, ".scope-def, .checkbox label, .scopes label")]
        print("scopes shown:", " | ".join(s for s in scopes if s))
        for scope in ("me", "tasks:read", "tasks:write", "admin"):
            if scope not in dialog.text:
                print(f"the Authorize dialog does not show the scope {scope}")
                return 1
        dialog.find_element(By.CSS_SELECTOR, ".auth-btn-wrapper .authorize").click()
        wait.until(EC.visibility_of_element_located((By.CSS_SELECTOR, ".modal-ux .auth-btn-wrapper .btn-done, .modal-ux button.logout")))
        if "Authorized" not in dialog.text and "Logout" not in dialog.text:
            print("not authorized:", dialog.text)
            return 1
        if not close_dialog_and_get_me(driver, wait, username):
            return 1

        status, body = try_it_out(
            driver, wait, "operations-tasks-createTask", json.dumps({"title": "Made in Swagger UI", "priority": "high"})
        )
        print("POST /tasks ->", status, body[:200])
        if status != "201" or json.loads(body).get("title") != "Made in Swagger UI":
            return 1
        return 0
    finally:
        close(driver)


def close_dialog_and_get_me(driver, wait, username: str) -> bool:
    """Closes the Authorize dialog and tries GET /me: True when it answers 200 for `username`."""
    driver.find_element(By.CSS_SELECTOR, ".modal-ux .close-modal").click()
    status, body = try_it_out(driver, wait, "operations-me-getMe")
    print("GET /me ->", status, body[:200])
    return status == "200" and json.loads(body).get("username") == username


def close(driver) -> None:
    """Prints what the page logged as errors, then ends the browser."""
    for entry in driver.get_log("browser"):
        if entry.get("level") == "SEVERE":
            print("browser console:", entry.get("message"))
    driver.quit()


def try_it_out(driver, wait, operation_id: str, body: str | None = None) -> tuple[str, str]:
    operation = wait.until(EC.presence_of_element_located((By.ID, operation_id)))
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", operation)
    operation.find_element(By.CSS_SELECTOR, ".opblock-summary").click()
    wait.until(lambda _: operation.find_elements(By.CSS_SELECTOR, ".try-out__btn"))
    operation.find_element(By.CSS_SELECTOR, ".try-out__btn").click()
    if body is not None:
        editor = wait.until(lambda _: operation.find_element(By.CSS_SELECTOR, "textarea.body-param__text"))
        editor.clear()
        editor.send_keys(body)
    operation.find_element(By.CSS_SELECTOR, ".execute").click()
    cell = wait.until(
        lambda _: operation.find_element(By.CSS_SELECTOR, ".live-responses-table .response .response-col_status")
    )
    text = operation.find_element(By.CSS_SELECTOR, ".live-responses-table .response .microlight, .live-responses-table .response pre").text
    return cell.text.strip().split()[0], text


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:4]))
