"""Approves a device's sign-in in headless Chromium as a person would: opens the address `tm login`
printed (verification_uri_complete), confirms the code, signs in and presses Allow.

Usage: python3 device_login.py VERIFICATION_URI_COMPLETE USERNAME PASSWORD SCREENSHOT_DIR
Prints "approved" when the page says the device is signed in; exits 1 otherwise.
"""

import os
import sys

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from swagger_authorize import browser, close

URL, USERNAME, PASSWORD, SHOTS = sys.argv[1:5]


def main():
    driver = browser()
    wait = WebDriverWait(driver, 20)
    try:
        driver.set_window_size(360, 800)
        driver.get(URL)
        code = wait.until(lambda d: d.find_element(By.ID, "user_code"))
        expected = URL.rsplit("user_code=", 1)[1]
        if code.get_attribute("value") != expected:
            raise SystemExit(f"the code is not filled in: {code.get_attribute('value')!r}")
        if driver.find_elements(By.TAG_NAME, "script"):
            raise SystemExit("the page has a script")
        driver.save_screenshot(os.path.join(SHOTS, "device-code-360.png"))
        driver.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
        wait.until(lambda d: d.find_elements(By.ID, "password"))
        if "TaskManager command line (tm)" not in driver.find_element(By.TAG_NAME, "body").text:
            raise SystemExit("the page does not name the client")
        driver.find_element(By.ID, "username").send_keys(USERNAME)
        driver.find_element(By.ID, "password").send_keys(PASSWORD)
        driver.save_screenshot(os.path.join(SHOTS, "device-sign-in-360.png"))
        driver.find_element(By.CSS_SELECTOR, "button[value=allow]").click()
        wait.until(lambda d: "Device signed in" in d.find_element(By.TAG_NAME, "body").text)
        driver.save_screenshot(os.path.join(SHOTS, "device-signed-in-360.png"))
        print("approved", flush=True)
    finally:
        close(driver)


if __name__ == "__main__":
    main()
