"""A real browser (headless Chromium) through search, a facet, a passage, cite and export.

Screenshots go to ``$SEARCHKIT_SCREENSHOTS`` (else the test's temporary folder) to be looked at.
Skipped, with the reason, when Chromium, its driver or selenium is not installed (``.ci/run`` installs them).
"""

from __future__ import annotations

import os
import shutil
import time
import urllib.request
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow
BROWSER = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
DRIVER = shutil.which("chromedriver")
webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed: pip install '.[test]'")
if not (BROWSER and DRIVER):
    pytest.skip("no Chromium with chromedriver: apt-get install chromium chromium-driver", allow_module_level=True)

from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-dev-shm-usage", "--window-size=1280,1000"]


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = Path(os.environ.get("SEARCHKIT_SCREENSHOTS") or tmp_path_factory.mktemp("screenshots"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory):
    options = webdriver.ChromeOptions()
    options.binary_location = BROWSER
    profile, downloads = tmp_path_factory.mktemp("profile"), tmp_path_factory.mktemp("downloads")
    for flag in [*FLAGS, f"--user-data-dir={profile}"]:
        options.add_argument(flag)
    options.add_experimental_option("prefs", {"download.default_directory": str(downloads),
                                              "download.prompt_for_download": False})
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(options=options, service=webdriver.ChromeService(executable_path=DRIVER))
    driver.downloads = downloads
    # A click that submits a form returns before the next page is there (on a loaded machine, CI saw the
    # cite page's verdict looked for too soon): looking an element up waits for it a little.
    driver.implicitly_wait(5)
    yield driver
    driver.quit()


def console_errors(browser) -> list[str]:
    """What the page complained of (a Content-Security-Policy violation would be one)."""
    return [entry["message"] for entry in browser.get_log("browser") if entry["level"] == "SEVERE"]


def test_search_facet_passage_cite_and_export(site: str, browser, shots: Path):
    browser.get(site)
    box = browser.find_element(By.ID, "q")
    assert browser.switch_to.active_element == box  # the box has the focus: type at once
    box.send_keys("tariffs", Keys.ENTER)
    assert browser.current_url == site + "search?q=tariffs&sort=score"
    marks = [m.text for m in browser.find_elements(By.CSS_SELECTOR, ".hits mark")]
    assert marks and {m.lower() for m in marks} == {"tariffs"}
    assert browser.find_element(By.CSS_SELECTOR, ".total").text == "1-3 of 3 passages"
    assert "<script>alert('title')</script> Markup & more" in browser.page_source.replace("&lt;", "<").replace(
        "&gt;", ">").replace("&amp;", "&")
    browser.save_screenshot(str(shots / "1-search.png"))

    browser.find_element(By.LINK_TEXT, "Concordance").click()
    matches = [m.text for m in browser.find_elements(By.CSS_SELECTOR, "table.kwic td.match")]
    assert [m.lower() for m in matches] == ["tariffs"] * 3
    browser.save_screenshot(str(shots / "1-kwic.png"))
    browser.back()

    browser.find_element(By.LINK_TEXT, "2021").click()  # the facet: the query now says year:2021
    assert browser.find_element(By.ID, "q").get_attribute("value") == "tariffs year:2021"
    assert browser.find_element(By.CSS_SELECTOR, ".total").text == "1-1 of 1 passage"
    browser.save_screenshot(str(shots / "2-facet.png"))

    browser.find_element(By.CSS_SELECTOR, ".hit a.title").click()
    target = browser.find_element(By.CSS_SELECTOR, ".paragraph.target")
    assert target.find_element(By.TAG_NAME, "mark").text == "Tariffs"
    copies = browser.find_elements(By.CSS_SELECTOR, "button.copy")  # added by the script: it ran under the CSP
    assert len(copies) == 5
    assert browser.find_element(By.PARTIAL_LINK_TEXT, "https://example.org/linked")
    browser.save_screenshot(str(shots / "3-passage.png"))

    browser.get(site + "cite")
    browser.find_element(By.ID, "text").send_keys("Tariffs on steel were discussed")
    browser.find_element(By.CSS_SELECTOR, "form.cite button").click()
    assert browser.find_element(By.CSS_SELECTOR, ".verdict").text.lower() == "exact"
    assert "Tariff talks. MFA, 2021-07-01, para. 1" in browser.find_element(By.CSS_SELECTOR, ".occurrences pre").text
    browser.save_screenshot(str(shots / "4-cite.png"))

    browser.get(site + "search?q=tariffs")
    link = browser.find_element(By.LINK_TEXT, "CSV")
    with urllib.request.urlopen(link.get_attribute("href")) as answer:
        exported = answer.read().decode("utf-8")
    assert exported.splitlines()[0].startswith("rank,score,doc_id,passage_id")
    assert len(exported.splitlines()) == 4
    link.click()
    saved = browser.downloads / "searchkit-export.csv"
    for _ in range(100):
        if saved.exists():
            break
        time.sleep(0.05)
    assert saved.read_text(encoding="utf-8") == exported
    assert console_errors(browser) == []


def test_the_pages_read_on_a_phone_and_the_chart_links_years(site: str, browser, shots: Path):
    browser.set_window_size(390, 844)
    try:
        browser.get(site + "search?q=tariffs+OR+sanctions")
        width = browser.execute_script("return document.documentElement.scrollWidth")
        assert width <= 390  # nothing wider than the screen
        bars = browser.execute_script("return [...document.querySelectorAll('.chart rect')].map(r => r.textContent)")
        assert [b for b in bars if not b.endswith(": 0")] == ["2019: 2", "2020: 1", "2021: 1"]
        browser.save_screenshot(str(shots / "5-phone.png"))
        browser.get(site + "passage?id=markup%231")
        assert browser.execute_script("return document.documentElement.scrollWidth") <= 390
        browser.save_screenshot(str(shots / "6-phone-passage.png"))
    finally:
        browser.set_window_size(1280, 1000)


def test_the_keyboard_reaches_every_control(site: str, browser):
    browser.get(site + "search?q=tariffs")
    reached = []
    body = browser.find_element(By.TAG_NAME, "body")
    body.send_keys(Keys.TAB)
    for _ in range(40):
        active = browser.switch_to.active_element
        reached.append((active.tag_name, active.get_attribute("id") or active.text[:20]))
        active.send_keys(Keys.TAB)
    tags = {tag for tag, _ in reached}
    assert {"input", "button", "select", "a"} <= tags
    assert ("input", "q") in reached


def test_a_hostile_query_gets_a_page_saying_what_to_fix(site: str, browser, shots: Path):
    browser.get(site + "search?q=" + "%3Cscript%3E" * 1000)
    assert "at most 2,000 are read, so shorten it" in browser.find_element(By.CSS_SELECTOR, ".problem").text
    assert browser.find_element(By.ID, "q").get_attribute("value").startswith("<script>")
    assert browser.title == "What to fix · searchkit"
    browser.save_screenshot(str(shots / "7-what-to-fix.png"))
