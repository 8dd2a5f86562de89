"""Screenshots of the main pages for docs/user-guide.md and the README, taken in Debian's chromium.

    .venv/bin/python scripts/screenshots.py [--var /tmp/doudi-screenshots] [--out docs/screenshots]

Builds (or reuses) the demo county in its own SQLite database under --var with `doudi.web.demo.run`, serves it
with waitress on a free loopback port in this process, logs in as the demo users in headless chromium (Playwright,
no network beyond localhost) and saves one PNG per page into --out. Run it again after a page changes; the tests
do not write screenshots.
"""

from __future__ import annotations

import argparse
import os
import threading
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

COUNTY = "530523"
PERSONS = 3_000
SEED = 2020
CHROMIUM = os.environ.get("DOUDI_CHROMIUM", "/usr/bin/chromium")
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-sync",
]
ROOT = Path(__file__).resolve().parent.parent


def setup(var: Path) -> dict[str, str]:
    """The demo database; returns the demo logins' passwords by username."""
    var.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "doudi.settings")
    os.environ["DOUDI_VAR"] = str(var)
    os.environ["DOUDI_DB"] = "sqlite"
    os.environ["DOUDI_SQLITE_PATH"] = str(var / "doudi.sqlite3")
    import django

    django.setup()
    from doudi.web import demo

    logins = demo.run(COUNTY, PERSONS, SEED, echo=lambda line: print(line, flush=True))
    return {username: password for username, password, _role, _scope in logins}


def serve() -> str:
    import waitress

    from doudi.wsgi import application

    server = waitress.create_server(application, host="127.0.0.1", port=0, threads=4)
    threading.Thread(target=server.run, daemon=True).start()
    return f"http://127.0.0.1:{server.effective_port}"  # type: ignore[union-attr]


def login(page: Page, url: str, username: str, password: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{url}/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    page.get_by_role("heading", name="工作台").wait_for()


def shoot(page: Page, out: Path, name: str) -> None:
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(600)  # ECharts animates its bars in
    path = out / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    print(f"· {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}", flush=True)


def case_with_evidence() -> int:
    """A case of the demo township whose household the match run linked to a roll, else the first one."""
    from doudi.casework.models import Case
    from doudi.matching.models import PersonLink

    township = Case.objects.filter(campaign__county_code=COUNTY).exclude(state="received")
    linked = PersonLink.objects.values("poverty_household_id")
    found = township.filter(household__in=linked).order_by("id").first() or township.order_by("id").first()
    assert found is not None, "the demo has no cases"
    return found.pk


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--var", type=Path, default=Path("/tmp/doudi-screenshots"))
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    args = parser.parse_args()
    passwords = setup(args.var)
    args.out.mkdir(parents=True, exist_ok=True)
    url = serve()
    civil, township, committee = (
        f"{role}_{COUNTY}" for role in ("county_civil", "township", "county_committee")
    )
    roster = next((args.var / "demo").glob(f"{COUNTY}-*/dibao.xlsx"))
    case = case_with_evidence()  # before Playwright starts its event loop (Django refuses queries inside it)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
        page = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 800}).new_page()
        page.goto(f"{url}/login/")
        shoot(page, args.out, "login")
        login(page, url, civil, passwords[civil])
        shoot(page, args.out, "home")
        page.goto(f"{url}/dashboard/")
        shoot(page, args.out, "dashboard")
        page.goto(f"{url}/imports/")
        page.get_by_label("名册类型").select_option("dibao")
        page.get_by_label("名册文件(xlsx、xls 或 csv)").set_input_files(str(roster))
        page.get_by_role("button", name="上传并导入").click()
        page.wait_for_selector('#import-job[data-stage="done"], #import-job[data-stage="failed"]')
        shoot(page, args.out, "import")
        page.goto(f"{url}/search/?q=zs")
        shoot(page, args.out, "search")
        login(page, url, township, passwords[township])
        page.goto(f"{url}/worklist/")
        shoot(page, args.out, "worklist")
        page.goto(f"{url}/cases/{case}/")
        shoot(page, args.out, "case")
        login(page, url, committee, passwords[committee])
        page.goto(f"{url}/committee/")
        shoot(page, args.out, "committee")
        browser.close()


if __name__ == "__main__":
    main()
