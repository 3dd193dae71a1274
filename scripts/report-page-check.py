#!/usr/bin/python3
"""Opens sscardctl's report page in headless Chromium (Debian `chromium` and
`chromium-driver`, through python3-selenium) and checks it against the JSON
report of the same call: the page renders without console errors, every chart
has drawn marks, and every number the page names (`data-metric`, and each
chart mark's `data-value`) equals the figure computed from the JSON.

usage: report-page-check.py PAGE.html REPORT.json [SCREENSHOT.png]
Prints one line per check; exits non-zero on any failure.
"""
import json
import pathlib
import sys

from selenium import webdriver
from selenium.webdriver.chrome.service import Service

page, report_path = pathlib.Path(sys.argv[1]).resolve(), sys.argv[2]
screenshot = sys.argv[3] if len(sys.argv) > 3 else None
report = json.load(open(report_path, encoding="utf-8"))

options = webdriver.ChromeOptions()
options.binary_location = "/usr/bin/chromium"
for argument in ("--headless=new", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1000,1500",
                 # Chromium's sandbox refuses to run as root (CI and these tests run as root);
                 # the page is our own file, with no script and no network.
                 "--no-sandbox"):
    options.add_argument(argument)
options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
failures = 0


def check(ok, what):
    global failures
    print(("ok   " if ok else "FAIL ") + what)
    failures += 0 if ok else 1


def metric_values():
    return {element.get_attribute("data-metric"): int(element.text)
            for element in driver.find_elements("css selector", "[data-metric]")}


try:
    driver.get(page.as_uri())
    check(driver.execute_script("return document.readyState") == "complete", "the page loads")
    errors = [entry for entry in driver.get_log("browser") if entry["level"] in ("SEVERE", "WARNING")]
    check(not errors, f"no console errors or warnings ({errors})")
    check(driver.execute_script("return document.scripts.length") == 0, "the page has no script")
    external = driver.execute_script(
        "return [...document.querySelectorAll('[src],[href]')].map(e => e.getAttribute('src') || e.getAttribute('href'))")
    check(not external, f"no external assets ({external})")

    for chart in ("chart-operations", "chart-losses", "chart-backlog", "chart-pending"):
        counts = driver.execute_script(
            "const s = document.getElementById(arguments[0]); if (!s) return null;"
            "const box = s.getBoundingClientRect();"
            "return {rect: s.querySelectorAll('rect').length, path: s.querySelectorAll('path').length,"
            " circle: s.querySelectorAll('circle').length, width: box.width, height: box.height,"
            " drawn: [...s.querySelectorAll('rect,circle')].filter(m => m.getBBox().height > 0 || m.tagName == 'circle').length}",
            chart)
        check(counts is not None and counts["width"] > 0 and counts["height"] > 0, f"{chart} is laid out ({counts})")
        check(counts is not None and counts["rect"] + counts["path"] + counts["circle"] > 0 and counts["drawn"] > 0,
              f"{chart} has drawn marks")

    # The numbers shown against the JSON's.
    operations, timeline = report["operations"], report["timeline"]
    fees = {fee["settlement"]: fee for fee in report["fees"]}
    expected = {
        "operations.total": sum(o["count"] for o in operations),
        "operations.done": sum(o["count"] for o in operations if o["outcome"] == "done"),
        "operations.refused": sum(o["count"] for o in operations if o["outcome"] == "refused"),
        "timeline.losses": sum(b["losses"] for b in timeline),
        "timeline.releases": sum(b["releases"] for b in timeline),
        "pendingReleases.total": sum(p["count"] for p in report["pendingReleases"]),
        "backlog.total": sum(b["count"] for b in report["backlog"]),
        "fees.paid.count": fees.get("paid", {}).get("count", 0),
        "fees.paid.totalFen": fees.get("paid", {}).get("totalFen", 0),
        "fees.waived.count": fees.get("waived", {}).get("count", 0),
        "fees.waived.totalFen": fees.get("waived", {}).get("totalFen", 0),
    }
    by_kind = {}
    for o in operations:
        key = f"operations.{o['action']}.{o['outcome']}"
        by_kind[key] = by_kind.get(key, 0) + o["count"]
        for group in ("channel", "servicePoint"):
            key = f"{group}.{o[group]}"
            by_kind[key] = by_kind.get(key, 0) + o["count"]
    expected.update(by_kind)
    shown = metric_values()
    check(shown == expected, f"the {len(shown)} numbers shown equal the JSON report's"
          + ("" if shown == expected else f": shown {shown}, expected {expected}"))
    check(expected["operations.total"] > 0 and expected["timeline.losses"] > 0 and expected["backlog.total"] > 0,
          "the fixture has operations, losses and a backlog to show")

    def marks(chart, series):
        return [int(v) for v in driver.execute_script(
            "return [...document.querySelectorAll('#' + arguments[0] + ' [data-series=\"' + arguments[1] + '\"]')]"
            ".map(m => m.getAttribute('data-value'))", chart, series)]

    check(marks("chart-operations", "operations") == [b["operations"] for b in timeline],
          "each operations bar is the JSON timeline's bucket")
    check(marks("chart-losses", "losses") == [b["losses"] for b in timeline], "each loss point is the JSON's")
    check(marks("chart-losses", "releases") == [b["releases"] for b in timeline], "each release point is the JSON's")
    check(marks("chart-pending", "pending") == [p["count"] for p in report["pendingReleases"]],
          "each pending-release bar is the JSON's")
    backlog_shown = sum(int(v) for v in driver.execute_script(
        "return [...document.querySelectorAll('#chart-backlog [data-value]')].map(m => m.getAttribute('data-value'))"))
    check(backlog_shown == expected["backlog.total"], "the backlog bars add up to the JSON's backlog")
    if screenshot:
        driver.save_screenshot(screenshot)
        print(f"screenshot: {screenshot}")
finally:
    driver.quit()
print(f"report page: {failures} failed")
sys.exit(1 if failures else 0)
