"""Drives the playground in headless Chromium (Debian's chromium + chromium-driver, Selenium from PyPI) against a
running server: opens the page, picks tabs, fills each form, presses its button, and reads the answer from the DOM.
Prints one JSON object with what it read; writes a screenshot of the last tab to SCREENSHOT.
Usage: playground-browser.py BASE_URL SCREENSHOT [API_KEY]"""
import json
import sys

from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

base, screenshot = sys.argv[1], sys.argv[2]
key = sys.argv[3] if len(sys.argv) > 3 else ""
options = Options()
for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1100,900"):
    options.add_argument(flag)
options.binary_location = "/usr/bin/chromium"
driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
wait = WebDriverWait(driver, 30)
seen = {}
try:
    driver.get(base + "/")
    if key:
        field = driver.find_element(By.ID, "key")
        field.send_keys(key)
        driver.execute_script("arguments[0].dispatchEvent(new Event('change'))", field)
    wait.until(lambda d: len(d.find_elements(By.CSS_SELECTOR, "#tabs button")) > 0)
    seen["tabs"] = [b.text for b in driver.find_elements(By.CSS_SELECTOR, "#tabs button")]
    wait.until(lambda d: d.find_element(By.ID, "status").text in ("ready", "not ready"))
    seen["status"] = driver.find_element(By.ID, "status").text

    def run(tab, fill, button):
        driver.find_element(By.XPATH, f"//nav[@id='tabs']/button[text()='{tab}']").click()
        for element_id, text in fill.items():
            element = driver.find_element(By.ID, element_id)
            element.clear()
            element.send_keys(text)
        driver.find_element(By.ID, button).click()
        wait.until(lambda d: d.find_element(By.ID, "timing").text.startswith("HTTP"))
        bars = [row.find_element(By.CSS_SELECTOR, ".label").text
                for row in driver.find_elements(By.CSS_SELECTOR, "#answer .bar")]
        return {"timing": driver.find_element(By.ID, "timing").text, "bars": bars,
                "answer": driver.find_element(By.ID, "answer").text}

    if "Classify" in seen["tabs"]:
        seen["classify"] = run("Classify", {"classify-text": "a wonderful, moving film"}, "classify-run")
    if "Word vectors" in seen["tabs"]:
        seen["similar"] = run("Word vectors", {"similar-positive": "king", "similar-negative": ""}, "similar-run")
    if "Translate" in seen["tabs"]:
        seen["translate"] = run("Translate", {"translate-text": "Tom is here."}, "translate-run")
    driver.save_screenshot(screenshot)
finally:
    driver.quit()
print(json.dumps(seen))
