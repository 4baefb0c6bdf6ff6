"""Drives /docs in headless Chromium through the authorization-code flow: Authorize with the
authorizationCode flow (client swagger-ui, PKCE), sign in on the server's own page in the popup,
come back, then "Try it out" on GET /me. Exit 0 when it answers 200 for USERNAME.
With `openid`, the same through the OpenIDConnect scheme, which Swagger UI sets up from the
discovery document, asking for the scopes `openid` and `me`.

Usage: python3 swagger_authorization_code.py BASE_URL USERNAME PASSWORD [openid]
Needs selenium (PyPI) and Debian's chromium and chromium-driver.
"""

import sys

from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

from swagger_authorize import browser, close, close_dialog_and_get_me


def main(base: str, username: str, password: str, scheme: str = "") -> int:
    driver = browser()
    wait = WebDriverWait(driver, 30)
    try:
        driver.get(base + "/docs")
        docs = driver.current_window_handle
        wait.until(EC.element_to_be_clickable((By.CSS_SELECTOR, "button.authorize"))).click()
        wait.until(EC.visibility_of_element_located((By.CSS_SELECTOR, ".modal-ux")))
        wanted = "OpenIDConnect" if scheme == "openid" else "authorizationCode"
        # Swagger UI reads the discovery document before it shows the OpenIDConnect scheme's flow.
        wait.until(lambda d: any(wanted in flow.text and "client_id" in flow.text
                                 for flow in d.find_elements(By.CSS_SELECTOR, ".modal-ux .auth-container")))
        flows = driver.find_elements(By.CSS_SELECTOR, ".modal-ux .auth-container")
        code_flow = next((flow for flow in flows if wanted in flow.text and "client_id" in flow.text), None)
        if code_flow is None:
            print(f"no {wanted} flow in the Authorize dialog:", [flow.text[:80] for flow in flows])
            return 1
        if scheme == "openid":
            chosen = []
            for box in code_flow.find_elements(By.CSS_SELECTOR, ".checkbox"):
                name = box.text.split("\n")[0].strip()
                if name in ("openid", "me"):
                    box.find_element(By.TAG_NAME, "label").click()
                    chosen.append(name)
            print("scopes chosen:", " ".join(sorted(chosen)))
        client_id = code_flow.find_element(By.CSS_SELECTOR, "input[id^=client_id]").get_attribute("value")
        print("client_id in the dialog:", client_id)
        code_flow.find_element(By.CSS_SELECTOR, ".auth-btn-wrapper .authorize").click()

        # The popup: the server's sign-in page.
        wait.until(lambda d: len(d.window_handles) == 2)
        popup = next(handle for handle in driver.window_handles if handle != docs)
        driver.switch_to.window(popup)
        wait.until(lambda d: d.find_elements(By.ID, "username") or "Cannot sign in" in d.page_source)
        print("sign-in page:", driver.title)
        if not driver.find_elements(By.ID, "username"):
            print("refused:", driver.current_url, driver.find_element(By.TAG_NAME, "body").text)
            return 1
        driver.find_element(By.ID, "username").send_keys(username)
        driver.find_element(By.ID, "password").send_keys(password)
        driver.find_element(By.CSS_SELECTOR, "button[value=allow]").click()
        # The redirect page hands the code to the dialog and closes itself.
        wait.until(lambda d: len(d.window_handles) == 1)
        driver.switch_to.window(docs)

        wait.until(lambda d: "Logout" in d.find_element(By.CSS_SELECTOR, ".modal-ux").text)
        errors = driver.find_elements(By.CSS_SELECTOR, ".modal-ux .errors")
        if errors and errors[0].text.strip():
            print("dialog errors:", errors[0].text)
            return 1
        return 0 if close_dialog_and_get_me(driver, wait, username) else 1
    finally:
        close(driver)


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:5]))
