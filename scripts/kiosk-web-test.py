#!/usr/bin/python3
"""The graphical kiosk's flows in a real browser (run by scripts/test-kiosk-web).

Starts sscardd, sscard-kiosk --web (as the kiosk user) and sscard-vcard as
processes, opens the kiosk's start page in headless Chromium through
Debian's chromedriver (named explicitly, so Selenium never downloads one),
touches the page's buttons and reads the page. Every wait polls the page or
the event stream for the expected state until a deadline.

Chromium runs as root here, and Chromium's own sandbox refuses to run as
root: --no-sandbox in this test only. On a kiosk the browser runs as its own
user with its sandbox (docs/kiosk.md).
"""
import array
import http.client
import json
import os
import socket
import subprocess
import sys
import time
import wave
import io

from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.by import By

BIN = os.environ["SSCARD_BIN"]
WORK = os.environ["SSCARD_WORK"]
USER = os.environ["SSCARD_KIOSK_USER"]
SCREENS = os.environ["SSCARD_SCREENS"]
VPCD_PORT = os.environ["SSCARD_VPCD_PORT"]
SOCK = f"{WORK}/sscard.sock"
START = f"{WORK}/run/start.html"
CARD = "A00000011"

passed, failed = 0, 0
prompts = set()


def check(name, ok, detail=""):
    global passed, failed
    if ok:
        passed += 1
        print(f"ok   {name}", flush=True)
    else:
        failed += 1
        print(f"FAIL {name} {detail}", flush=True)
    return ok


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def ctl(*args, stdin=None):
    return subprocess.run([f"{BIN}/sscardctl", "--socket", SOCK, *args], input=stdin, capture_output=True,
                          text=True, check=True).stdout


class Processes:
    daemon = None
    kiosk = None
    vcard = None

    def start_daemon(self):
        self.daemon = subprocess.Popen([f"{BIN}/sscardd", "--config", f"{WORK}/sscardd.conf"],
                                       stderr=open(f"{WORK}/sscardd.log", "a"))
        wait_until(lambda: os.path.exists(SOCK), 10, "sscardd's socket")

    def stop_daemon(self):
        self.daemon.terminate()
        self.daemon.wait(10)
        self.daemon = None

    def start_kiosk(self, port, *options):
        if os.path.exists(START):
            os.unlink(START)
        self.kiosk = subprocess.Popen(
            ["runuser", "-u", USER, "--", f"{BIN}/sscard-kiosk", "--web", "--socket", SOCK,
             "--listen", f"127.0.0.1:{port}", "--start-page", START, *options],
            stderr=open(f"{WORK}/kiosk.log", "a"))
        wait_until(lambda: os.path.exists(START), 10, "the start page")

    def stop_kiosk(self):
        self.kiosk.terminate()
        self.kiosk.wait(10)

    def insert_card(self):
        self.vcard = subprocess.Popen([f"{BIN}/sscard-vcard", "--port", VPCD_PORT, "--profile",
                                       "share/demo/card-zhang.json"], stdout=subprocess.DEVNULL,
                                      stderr=open(f"{WORK}/vcard.log", "a"))

    def remove_card(self):
        self.vcard.terminate()
        self.vcard.wait(10)
        self.vcard = None

    def stop_all(self):
        for process in (self.vcard, self.kiosk, self.daemon):
            if process and process.poll() is None:
                process.terminate()
                process.wait(10)


def wait_until(condition, seconds, what):
    deadline = time.monotonic() + seconds
    while True:
        try:
            value = condition()
            if value:
                return value
        except Exception:  # the page is being redrawn
            pass
        if time.monotonic() > deadline:
            raise TimeoutError(f"waited {seconds} s for {what}")
        time.sleep(0.05)


class Page:
    def __init__(self):
        options = Options()
        options.binary_location = "/usr/bin/chromium"
        for argument in ["--headless=new", "--no-sandbox", "--window-size=1280,1024", "--disable-gpu",
                         "--autoplay-policy=no-user-gesture-required", "--allow-file-access-from-files",
                         "--disable-dev-shm-usage"]:
            options.add_argument(argument)
        self.driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
        self.port = None

    def open(self, port):
        self.port = port
        self.driver.get("file://" + START)
        wait_until(lambda: self.screen(), 15, "the page's first state")

    def cookie(self):
        return next(c["value"] for c in self.driver.get_cookies() if c["name"] == "sscard-kiosk")

    def request(self, path, cookie=True):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        headers = {"Cookie": f"sscard-kiosk={self.cookie()}"} if cookie else {}
        connection.request("GET", path, headers=headers)
        return connection.getresponse()

    def model(self):
        """The state as the kiosk program renders it now: the event stream's first event."""
        response = self.request("/events")
        assert response.status == 200, response.status
        while True:
            line = response.fp.readline().decode()
            if line.startswith("data: "):
                response.close()
                return json.loads(line[6:])

    def screen(self):
        return self.driver.find_element(By.TAG_NAME, "body").get_attribute("data-screen")

    def wait_screen(self, name, seconds=10):
        def shown():
            if self.screen() == name:
                prompts.add(self.driver.find_element(By.ID, "voice").get_attribute("data-prompt") or "")
                return True
            return False
        return wait_until(shown, seconds, f"screen {name}")

    def text(self):
        return self.driver.find_element(By.TAG_NAME, "main").text

    def wait_text(self, text, seconds=10):
        return wait_until(lambda: text in self.driver.find_element(By.TAG_NAME, "body").text, seconds, repr(text))

    def touch(self, label):
        """Touches the button labelled `label` (a page button, a control or a PIN pad key)."""
        def find():
            for element in self.driver.find_elements(By.TAG_NAME, "button"):
                if element.is_displayed() and element.text.strip() == label:
                    return element
            return None
        def click():
            # The page redraws its buttons on every state it is sent: a button found just
            # before a redraw is stale, and is looked up again.
            element = find()
            if element is None:
                return False
            try:
                element.click()
                return True
            except StaleElementReferenceException:
                return False
        wait_until(click, 10, f"button {label!r}")

    def digits(self, text):
        for digit in text:
            before = self.dots()
            self.touch(digit)
            wait_until(lambda: self.dots() == before + 1, 5, "a dot per digit")

    def dots(self):
        element = self.driver.find_element(By.ID, "dots")
        return int(element.get_attribute("data-count") or 0) if element.is_displayed() else 0

    def shot(self, name):
        self.driver.save_screenshot(f"{SCREENS}/{name}.png")


def rms(wav_bytes):
    with wave.open(io.BytesIO(wav_bytes)) as wav:
        assert wav.getsampwidth() == 2 and wav.getnchannels() == 1
        samples = array.array("h", wav.readframes(wav.getnframes()))
    return (sum(s * s for s in samples) / max(1, len(samples))) ** 0.5, len(samples)


def main():
    processes = Processes()
    processes.start_daemon()
    ctl("apply", "--ssn", "11010519491231002X", "--name", "张三丰", "--document", "idCard")
    for stage in ["reviewed", "ordered", "producing", "produced"]:
        ctl("advance", "1", stage)
    ctl("bind", "1", "--card", CARD, "--card-id", "140105D15600000500A1B2C3D4E5F601", "--ssn",
        "11010519491231002X", "--name", "张三丰", "--document", "idCard")
    port = free_port()
    processes.start_kiosk(port)
    page = Page()
    started = time.monotonic()
    try:
        flows(page, processes, port)
    except Exception as error:  # a flow stopped: record it, keep the screen
        check("flows ran to the end", False, repr(error))
        page.shot("failure")
        print(page.driver.find_element(By.TAG_NAME, "body").text)
    finally:
        page.driver.quit()
        processes.stop_all()
    print(f"kiosk-web: {passed} passed, {failed} failed ({time.monotonic() - started:.0f} s)")
    sys.exit(1 if failed else 0)


def flows(page, processes, port):
    # The secret: without the start page nothing answers; with it, the page loads.
    check("no cookie, no page: 403", page_request_status(port, "/") == 403)
    check("a wrong secret: 403", page_request_status(port, "/start?secret=" + "0" * 64) == 403)
    page.open(port)
    page.wait_screen("welcome")
    check("welcome screen", "请插入社会保障卡" in page.text())
    headers = page.request("/").getheaders()
    check("no-store, nosniff and a CSP on the page",
          ("Cache-Control", "no-store") in headers and ("X-Content-Type-Options", "nosniff") in headers
          and any(name == "Content-Security-Policy" and "default-src 'self'" in value for name, value in headers))
    page.shot("welcome")

    # Insert the card: the menu with the masked name and the card's state.
    processes.insert_card()
    page.wait_screen("menu", 20)
    text = page.text()
    check("card inserted: menu, masked name, state", "张**" in text and "张三丰" not in text and "未启用" in text, text)
    page.shot("menu")
    page.touch("状态查询")
    page.wait_screen("status")
    check("status screen: masked card number", "未启用" in page.text() and CARD not in page.text(), page.text())
    page.shot("status")
    page.touch("返回")
    page.wait_screen("menu")
    page.touch("启用")
    page.wait_text("卡片已启用")
    page.touch("确定")
    page.wait_screen("menu")

    # PIN change with a wrong PIN: dots only, the tries left shown.
    page.touch("修改密码")
    page.wait_screen("pinEntry")
    page.digits("111111")
    check("PIN entry: six dots, no digits in the page or the model",
          page.dots() == 6 and "111111" not in page.driver.page_source and "111111" not in json.dumps(page.model()))
    page.shot("pin-entry")
    page.touch("确认")
    page.wait_text("请输入新密码")
    page.digits("654321")
    page.touch("确认")
    page.wait_text("请再次输入新密码")
    page.digits("654321")
    page.touch("确认")
    page.wait_text("还可尝试 2 次")
    check("wrong PIN: tries left shown", True)
    page.shot("wrong-pin")
    page.touch("确定")
    page.wait_screen("menu")

    # The card pulled mid-PIN: back to welcome, the typed digits gone.
    page.touch("修改密码")
    page.wait_screen("pinEntry")
    page.digits("12")
    processes.remove_card()
    page.wait_screen("welcome")
    model = page.model()
    check("card pulled mid-PIN: welcome, no dots, no PIN in the page or the program's model",
          page.dots() == 0 and "pin" not in model and model["screen"] == "welcome" and "张**" not in page.text()
          and page.driver.find_element(By.ID, "pad").text == "", json.dumps(model, ensure_ascii=False))

    # Temporary loss: confirm, the electronic-credential question, the bank reminder.
    processes.insert_card()
    page.wait_screen("menu", 20)
    page.touch("临时挂失")
    page.wait_screen("confirmLoss")
    page.shot("confirm-loss")
    page.touch("确认")
    page.wait_screen("electronicCredential")
    page.shot("electronic-credential")
    page.touch("继续使用")
    page.wait_screen("lossReported")
    card = json.loads(ctl("--json", "status", "--card", CARD))["card"]
    check("temporary loss: bank reminder shown, registry temporarilyLost, credential continues",
          "请同时向发卡银行挂失" in page.text() and card["state"] == "temporarilyLost"
          and card.get("electronicCredentialContinues") is True, json.dumps(card))
    page.shot("loss-reported")

    # Language switch, then large text.
    page.touch("English")
    page.wait_text("Temporary loss reported")
    check("language switch to English", "bank" in page.text(), page.text())
    page.shot("loss-reported-en")
    page.touch("中文")
    page.wait_text("临时挂失已受理")
    page.touch("大字")
    wait_until(lambda: "large" in page.driver.find_element(By.TAG_NAME, "body").get_attribute("class"), 5, "large text")
    check("large text on", float(page.driver.execute_script(
        "return parseFloat(getComputedStyle(document.body).fontSize)")) >= 40)
    page.shot("large-text")
    page.touch("大字")
    page.touch("确定")
    page.wait_screen("menu")

    # Production progress: none (binding delivered the first card), then a replacement applied
    # for at the counter shows as accepted.
    page.touch("制卡进度")
    page.wait_screen("progress")
    empty = "目前没有正在制作的卡" in page.text()
    page.touch("返回")
    page.wait_screen("menu")
    ctl("replace", "--card", CARD, "--replacement-reason", "lost", "--document", "idCard")
    page.touch("制卡进度")
    page.wait_screen("progress")
    check("production progress: none, then the replacement as accepted (受理)",
          empty and "补换领" in page.text() and "受理" in page.text(), page.text())
    page.shot("progress")
    page.touch("返回")
    page.wait_screen("menu")

    # sscardd restarted: the unavailable screen, then recovery.
    processes.stop_daemon()
    page.wait_screen("unavailable")
    check("sscardd stopped: unavailable screen", "服务暂停" in page.text())
    page.shot("unavailable")
    processes.start_daemon()
    page.wait_screen("menu", 30)
    check("sscardd back: the kiosk recovered to the card's menu", "张**" in page.text())

    # Speech: every screen's prompt exists and is not silence.
    seen = sorted(p for p in prompts if p)
    silent = []
    for source in seen + ["/speech/welcome.en.wav", "/speech/timeout.zh.wav"]:
        response = page.request(source)
        body = response.read()
        if response.status != 200 or body[:4] != b"RIFF":
            silent.append((source, response.status))
            continue
        level, count = rms(body)
        if level < 200 or count < 4000:
            silent.append((source, level, count))
    check(f"spoken prompts: {len(seen) + 2} WAVs, none silent", not silent and len(seen) >= 8, f"{silent} {seen}")

    # Idle: a kiosk with short limits; the warning, more time, then the timeout.
    processes.stop_kiosk()
    processes.start_kiosk(port, "--idle-timeout", "10", "--idle-warning", "5")
    page.open(port)
    # On a slow machine the browser may come up after the first timeout: the card is still
    # in, and 确定 resumes (a flow of its own).
    wait_until(lambda: page.screen() == "menu" or "卡片仍在读卡器中" in page.text(), 20, "the menu or resume")
    if page.screen() == "welcome":
        page.touch("确定")
    page.wait_screen("menu", 20)
    wait_until(lambda: page.driver.find_element(By.ID, "warning").is_displayed(), 10, "the idle warning")
    check("idle warning with a countdown", "秒" in page.driver.find_element(By.ID, "warning-text").text)
    page.shot("idle-warning")
    page.touch("延长时间")
    wait_until(lambda: not page.driver.find_element(By.ID, "warning").is_displayed(), 5, "the warning to go")
    check("more time: the warning goes, the menu stays", page.screen() == "menu")
    shown = time.monotonic()
    page.wait_screen("welcome", 15)
    elapsed = time.monotonic() - shown
    check(f"idle timeout: welcome after {elapsed:.1f} s", elapsed >= 8, f"{elapsed:.1f} s")


def page_request_status(port, path):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.request("GET", path)
    return connection.getresponse().status


if __name__ == "__main__":
    main()
