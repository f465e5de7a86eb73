"""Demo data of the kernel: Xiangxi regions, stations, parties and the demo logins.

Idempotent: every row is keyed by a natural key (code, ID number, username) and updated in
place on a second run. County codes are the real national codes; township and village codes
below county level are invented and marked `is_demo_code` (xiangxi.json says so).
"""

import json
import random
from datetime import date, timedelta
from pathlib import Path

from django.conf import settings
from stdnum.cn import ric, uscc

from .models import (
    Collective,
    County,
    Enterprise,
    Household,
    Insurer,
    Prefecture,
    ServiceStation,
    StorageCenter,
    Township,
    User,
    Village,
)

DEMO_PASSWORD = "demo12345"
STATION_COUNTIES = ("433126", "433127")  # 古丈县, 永顺县: a station in every township
VILLAGE_STEMS = ["坪", "溪", "坡", "寨", "湾", "岭", "冲", "坳", "桥", "塘", "湖", "田"]
VILLAGE_PREFIXES = [
    "白",
    "青",
    "高",
    "龙",
    "岩",
    "茶",
    "竹",
    "杉",
    "桃",
    "石",
    "新",
    "双",
    "枫",
    "梨",
]
SURNAMES = "张王李刘杨彭向田龙石吴麻滕符鲁唐"
GIVEN = "一二三四五六七八九十"


def geography_path() -> Path:
    """shared/domain/xiangxi.json beside the repository, or the copy shipped in the package."""
    shared = settings.BASE_DIR.parent / "shared" / "domain" / "xiangxi.json"
    if shared.exists():
        return shared
    return Path(__file__).with_name("data") / "xiangxi.json"


def load_geography() -> dict:
    return json.loads(geography_path().read_text(encoding="utf-8"))


def make_id_number(county_code: str, born: date, serial: int) -> str:
    """A resident ID number with a correct check digit (computed by python-stdnum)."""
    body = f"{county_code}{born:%Y%m%d}{serial:03d}"
    return body + ric.calc_check_digit(body + "0")  # stdnum expects a placeholder check digit


def make_uscc(county_code: str, kind_prefix: str, serial: int) -> str:
    """A USCC with a correct GB 32100 check digit (computed by python-stdnum)."""
    body = f"{kind_prefix}{county_code}MA4{serial:05d}X"[:17]
    body = body.ljust(17, "0")
    return body + uscc.calc_check_digit(body)


def seed_regions(log) -> dict:
    geo = load_geography()
    pref = geo["prefecture"]
    prefecture, _ = Prefecture.objects.update_or_create(
        code=pref["code"], defaults={"name": pref["name"], "seat": pref["seat"]}
    )
    rng = random.Random(433100)
    villages = 0
    for c in geo["counties"]:
        county, _ = County.objects.update_or_create(
            code=c["code"], defaults={"name": c["name"], "prefecture": prefecture}
        )
        per_township = 3 if c["code"] in STATION_COUNTIES else 2
        for t_index, t_name in enumerate(c["townships"], start=1):
            township, _ = Township.objects.update_or_create(
                county=county,
                code=f"{t_index:03d}",
                defaults={"name": t_name, "is_demo_code": True},
            )
            for v_index in range(1, per_township + 1):
                name = rng.choice(VILLAGE_PREFIXES) + rng.choice(VILLAGE_STEMS) + "村"
                village, _ = Village.objects.update_or_create(
                    township=township,
                    code=f"{v_index:03d}",
                    defaults={"name": name, "is_demo_code": True, "group_count": 6},
                )
                Collective.objects.update_or_create(
                    village=village,
                    defaults={
                        "name": f"{t_name}{name}股份经济合作社",
                        "representative": f"{rng.choice(SURNAMES)}主任",
                    },
                )
                villages += 1
            if c["code"] in STATION_COUNTIES:
                ServiceStation.objects.update_or_create(
                    township=township,
                    defaults={
                        "name": f"{t_name}农村产权交易服务站",
                        "address": f"{c['name']}{t_name}人民政府便民服务中心一楼",
                        "phone": f"0743-{4500000 + t_index * 101}",
                    },
                )
        StorageCenter.objects.update_or_create(
            county=county,
            defaults={
                "name": f"{c['name']}农村土地收储中心",
                "address": f"{c['name']}农业农村局",
                "phone": "0743-0000000",
            },
        )
    log(
        f"regions: {County.objects.count()} counties, {Township.objects.count()} townships, "
        f"{villages} villages (demo codes below county level)"
    )
    return {"prefecture": prefecture}


def seed_households(log) -> list[Household]:
    """30 households; names are obviously fictitious (示范户…), ID numbers check-digit valid."""
    rng = random.Random(30)
    guzhang = County.objects.get(code="433126")
    villages = list(Village.objects.filter(township__county=guzhang).order_by("pk"))
    morong = Township.objects.get(county=guzhang, name="默戎镇")
    morong_villages = [v for v in villages if v.township_id == morong.pk]
    households = []
    for i in range(30):
        village = (
            morong_villages[i % len(morong_villages)] if i < 12 else villages[i % len(villages)]
        )
        born = date(1950, 1, 1) + timedelta(days=rng.randrange(0, 365 * 40))
        id_number = make_id_number(guzhang.code, born, 100 + i)
        surname = SURNAMES[i % len(SURNAMES)]
        name = f"{surname}示{GIVEN[i % 10]}"
        household, _ = Household.objects.update_or_create(
            id_number=id_number,
            defaults={
                "name": name,
                "phone": f"1390743{i:04d}",
                "village": village,
                "is_relocated": i % 3 == 0,
                "current_address": "古丈县古阳镇易地扶贫搬迁安置小区" if i % 3 == 0 else "",
                "bank_name": "湖南农村信用社（演示）",
                "bank_account": f"62305{i:014d}",
            },
        )
        households.append(household)
    log(f"households: {len(households)} (12 in 默戎镇, every third relocated)")
    return households


ENTERPRISES = [
    ("古丈县毛尖茶业有限公司（演示）", Enterprise.Kind.LEADING, "91", False, "向示强"),
    ("湘西猕猴桃种植专业合作社（演示）", Enterprise.Kind.COOPERATIVE, "93", False, "田示明"),
    ("永顺县芙蓉家庭农场（演示）", Enterprise.Kind.FAMILY_FARM, "92", False, "彭示华"),
    ("湖南油茶产业发展有限公司（演示）", Enterprise.Kind.COMPANY, "91", True, "李示军"),
    ("龙山百合农业开发有限公司（演示）", Enterprise.Kind.LEADING, "91", True, "符示平"),
    ("古丈县默戎镇杉木林业合作社（演示）", Enterprise.Kind.COOPERATIVE, "93", False, "龙示生"),
]


def seed_enterprises(log) -> list[Enterprise]:
    result = []
    for serial, (name, kind, prefix, commercial, rep) in enumerate(ENTERPRISES, start=1):
        code = make_uscc("433126", prefix, serial)
        enterprise, _ = Enterprise.objects.update_or_create(
            uscc=code,
            defaults={
                "name": name,
                "kind": kind,
                "is_commercial_capital": commercial,
                "legal_representative": rep,
                "contact_name": rep,
                "contact_phone": f"1380743{serial:04d}",
                "address": "湖南省湘西州古丈县（演示地址）",
            },
        )
        result.append(enterprise)
    log(f"enterprises: {len(result)} with valid USCCs")
    return result


def _user(username, *, role="", superuser=False, **fields):
    user = User.objects.filter(username=username).first() or User(username=username)
    user.role = role
    user.is_superuser = superuser
    user.is_staff = superuser or role == User.Role.EXCHANGE_STAFF
    for key, value in fields.items():
        setattr(user, key, value)
    if user.pk is None or not user.check_password(DEMO_PASSWORD):
        user.set_password(DEMO_PASSWORD)
    user.save()
    return user


def seed_users(log, enterprises) -> None:
    guzhang = County.objects.get(code="433126")
    morong_station = ServiceStation.objects.get(township__county=guzhang, township__name="默戎镇")
    R = User.Role
    _user("admin", superuser=True, display_name="系统管理员")
    _user("staff", role=R.EXCHANGE_STAFF, display_name="州交易中心 审核员")
    _user("station", role=R.STATION_OPERATOR, station=morong_station, display_name="默戎镇经办人")
    _user(
        "storage",
        role=R.STORAGE_OPERATOR,
        storage_center=guzhang.storage_center,
        display_name="古丈县收储中心",
        phone="13707430001",  # the centre signs lease contracts online: SMS code (R-STORE-5)
    )
    for n in (1, 2, 3):
        _user(
            f"bidder{n}",
            role=R.AGRIBUSINESS,
            enterprise=enterprises[n - 1],
            display_name=enterprises[n - 1].name,
        )
    insurer, _created = Insurer.objects.get_or_create(
        name="人保财险湘西分公司（演示）", defaults={"phone": "0743-8222222"}
    )
    _user("insurer", role=R.INSURER, insurer=insurer, display_name=insurer.name)
    _user("forestry", role=R.FORESTRY_INSPECTOR, county=guzhang, display_name="古丈县林业局验收员")
    _user("auditor", role=R.AUDITOR, display_name="审计（只读）")
    log(
        "logins (password demo12345): admin staff station storage bidder1 bidder2 bidder3 "
        "insurer forestry auditor"
    )
    # County staff (docs/security.md, county scope): each sees and acts in their county only.
    yongshun = County.objects.get(code="433127")
    _user("staff_guzhang", role=R.EXCHANGE_STAFF, county=guzhang, display_name="古丈县 审核员")
    _user("staff_yongshun", role=R.EXCHANGE_STAFF, county=yongshun, display_name="永顺县 审核员")
    log("county staff logins: staff_guzhang staff_yongshun")


def seed(log) -> None:
    seed_regions(log)
    seed_households(log)
    enterprises = seed_enterprises(log)
    seed_users(log, enterprises)
