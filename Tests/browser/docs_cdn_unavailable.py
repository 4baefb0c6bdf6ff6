"""Opens /docs and /redoc of a server in CDN mode in headless Chromium that cannot reach the CDN
(cdn.jsdelivr.net resolves to nothing, with or without a network) and checks that each page says
what did not load and what to do, instead of staying blank. Exit 0 when both do.

Usage: python3 docs_cdn_unavailable.py BASE_URL
Needs selenium (PyPI) and Debian's chromium and chromium-driver.
"""

import shutil
import sys

from selenium import webdriver
from selenium.common.exceptions import TimeoutException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait


def browser() -> webdriver.Chrome:
    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
    for argument in (
        "--headless=new",
        "--no-sandbox",
        "--disable-dev-shm-usage",
        "--window-size=1400,1200",
        "--host-resolver-rules=MAP cdn.jsdelivr.net ~NOTFOUND",
    ):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    service = Service(executable_path=shutil.which("chromedriver") or "/usr/bin/chromedriver")
    return webdriver.Chrome(service=service, options=options)


def check(driver: webdriver.Chrome, base: str, path: str, library: str) -> bool:
    driver.get(base + path)
    try:
        box = WebDriverWait(driver, 20).until(EC.visibility_of_element_located((By.ID, "docs-unavailable")))
    except TimeoutException:
        print(f"{path}: no message; the page says: {driver.find_element(By.TAG_NAME, 'body').text[:300]!r}")
        return False
    text = box.text
    print(f"{path} says:\n{text}\n")
    wanted = [
        f"{library} did not load",
        f"This page needs {library} from the CDN cdn.jsdelivr.net",
        "scripts/fetch-docs-assets",
        "this server looks for the files in",
        "/taskmanager/docs-assets",
        "--docs-assets DIR",
        "The OpenAPI document itself is at /openapi.json",
    ]
    good = True
    for words in wanted:
        if words not in text:
            print(f"{path}: the message lacks {words!r}")
            good = False
    link = box.find_element(By.CSS_SELECTOR, "a").get_attribute("href")
    if link != base + "/openapi.json":
        print(f"{path}: the link goes to {link}")
        good = False
    # What the browser reported: the CDN's failed loads, and no policy refusing anything of ours,
    # no error of ours (the Swagger UI set-up does nothing without Swagger UI).
    for entry in driver.get_log("browser"):
        message = entry.get("message", "")
        print(f"{path} console: {entry.get('level')} {message}")
        if "Content Security Policy" in message or ("cdn.jsdelivr.net" not in message and entry.get("level") == "SEVERE"):
            print(f"{path}: unexpected in the console")
            good = False
    return good


def main(base: str) -> int:
    driver = browser()
    try:
        results = [check(driver, base, "/docs", "Swagger UI"), check(driver, base, "/redoc", "ReDoc")]
    finally:
        driver.quit()
    if all(results):
        print("both pages say what did not load and what to do")
        return 0
    return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
