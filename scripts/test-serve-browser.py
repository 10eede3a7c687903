#!/usr/bin/env python3
"""The what-if page in a real browser (headless Chromium through Selenium).

Starts `reservesim-serve` on a free port with two shipped scenarios, loads the page, moves a slider, waits for the
headline to change, checks that the URL holds the edit, reloads the URL and gets the same numbers, checks the
comparison with the file as written, downloads the edited scenario and runs a solve. Screenshots are kept on failure
(--failures, default .build/serve-browser/) and one is saved for the README with --screenshot docs/serve.png.

Usage: python3 scripts/test-serve-browser.py [--binary .build/debug/reservesim-serve] [--screenshot docs/serve.png]
Needs Debian's chromium, chromium-driver and python3-selenium (scripts/test.sh installs them).
"""
import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(binary, port):
    files = [os.path.join(ROOT, "scenarios", name) for name in ("pypi-today.json", "cdn-loss.json")]
    server = subprocess.Popen([binary, *files, "--port", str(port), "--paths", "20000"],
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    line = server.stdout.readline()
    if "Serving" not in line:
        server.kill()
        raise SystemExit("reservesim-serve did not start: " + line + server.stdout.read())
    return server


def browser():
    options = webdriver.ChromeOptions()
    for flag in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1400,1700"):
        options.add_argument(flag)
    options.binary_location = "/usr/bin/chromium"
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    driver.download_folder = tempfile.mkdtemp(prefix="reservesim-serve-downloads-")
    driver.execute_cdp_cmd("Page.setDownloadBehavior", {"behavior": "allow", "downloadPath": driver.download_folder})
    return driver


def wait_done(driver, seconds=120):
    """Waits until the page has shown a full run (body[data-state=done]) and returns the headline's numbers."""
    WebDriverWait(driver, seconds).until(
        lambda d: d.find_element(By.TAG_NAME, "body").get_attribute("data-state") in ("done", "error"))
    state = driver.find_element(By.TAG_NAME, "body").get_attribute("data-state")
    if state == "error":
        raise AssertionError("the page shows an error: " + driver.find_element(By.ID, "statusText").text)
    return headline(driver)


def headline(driver):
    return {card.get_attribute("data-key"): card.find_element(By.CLASS_NAME, "big").text
            for card in driver.find_elements(By.CSS_SELECTOR, "#headline .card")}


def check(condition, message):
    if not condition:
        raise AssertionError(message)
    print("ok:", message)


def run(driver, base, screenshot):
    driver.get(base + "/")
    before = wait_done(driver)
    check(before.get("ruin", "").endswith("%"), f"the headline shows the ruin probability ({before})")
    check(len(driver.find_elements(By.CSS_SELECTOR, "#chartFan svg")) == 1, "the balance fan is drawn")
    check("as written" in driver.find_element(By.ID, "chartFan").get_attribute("innerHTML"),
          "the fan shows the file as written too")

    # Move the starting reserve's high end to the right: a preview while dragging, the full run on release.
    control = driver.find_element(By.CSS_SELECTOR, '.control[data-path="reserve.initial"]')
    slider = control.find_element(By.CSS_SELECTOR, 'input[type=range][data-end="1"]')
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", slider)
    driver.execute_script("document.body.dataset.state = 'moving'")
    ActionChains(driver).click_and_hold(slider).move_by_offset(25, 0).pause(0.5).move_by_offset(25, 0) \
        .release().perform()
    after = wait_done(driver)
    check(after != before, f"the headline moved: {before} -> {after}")
    url = driver.current_url
    check("set=reserve.initial" in url, f"the URL holds the edit: {url}")
    diff = driver.find_element(By.CSS_SELECTOR, '#headline .card[data-key="ruin"] .diff').text
    check(diff.startswith("B − A") and "[" in diff, f"the headline shows B − A with its interval: {diff}")
    rows = driver.find_elements(By.CSS_SELECTOR, "#reserveTable tbody tr")
    check(len(rows) >= 3, "the required-reserve table has A, B and B − A rows")

    # The link reproduces the view.
    driver.get(url)
    again = wait_done(driver)
    check(again == after, f"reloading the URL gives the same numbers: {again}")
    moved = driver.find_element(By.CSS_SELECTOR, '.control[data-path="reserve.initial"]')
    check("edited" in moved.get_attribute("class"), "the reloaded page marks the edited control")
    if screenshot:
        driver.execute_script("window.scrollTo(0, 0)")
        driver.save_screenshot(screenshot)
        print("screenshot:", screenshot)

    # Download the edited scenario: the edit is in it.
    downloads = driver.download_folder
    driver.find_element(By.ID, "downloadScenario").click()
    target = os.path.join(downloads, "pypi-today-edited.json")
    WebDriverWait(driver, 60).until(lambda d: os.path.exists(target) and os.path.getsize(target) > 0)
    with open(target) as file:
        initial = json.load(file)["reserve"]["initial"]
    check(initial["range"][1] != 750000, f"the downloaded scenario holds the edit: reserve.initial = {initial}")

    # Solve for the board's target.
    driver.find_element(By.ID, "solve").click()
    WebDriverWait(driver, 180).until(
        lambda d: d.find_elements(By.ID, "solveBest") or d.find_elements(By.ID, "solveError"))
    errors = driver.find_elements(By.ID, "solveError")
    check(not errors, "solve answers: " + (errors[0].text if errors else
                                           driver.find_element(By.ID, "solveBest").text))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", default=os.path.join(ROOT, ".build", "debug", "reservesim-serve"))
    parser.add_argument("--screenshot", help="save a screenshot of the final page here (docs/serve.png)")
    parser.add_argument("--failures", default=os.path.join(ROOT, ".build", "serve-browser"))
    args = parser.parse_args()
    port = free_port()
    server = start_server(args.binary, port)
    driver = browser()
    try:
        run(driver, f"http://127.0.0.1:{port}", args.screenshot)
        print("browser test: 1 passed, 0 failed")
    except Exception as error:  # keep what the page looked like
        os.makedirs(args.failures, exist_ok=True)
        shot = os.path.join(args.failures, f"failure-{int(time.time())}.png")
        driver.save_screenshot(shot)
        print(f"FAILED: {error}\nscreenshot: {shot}\nURL: {driver.current_url}", file=sys.stderr)
        print("browser test: 0 passed, 1 failed")
        return 1
    finally:
        shutil.rmtree(driver.download_folder, ignore_errors=True)
        driver.quit()
        server.terminate()
        server.wait(timeout=30)
    return 0


if __name__ == "__main__":
    sys.exit(main())
