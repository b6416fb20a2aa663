"""Agency identity: one key per issuing body, however its name is printed.

The title of a report prints the body's name in many ways: full- or
half-width, with spaces, with its type in brackets (``平潭综合实验区（管委会）``),
with its type spelled out or left off (``平潭综合实验区管委会`` ~ ``平潭综合实验区``),
abbreviated (``卫健局``), wrapped in site chrome or the rest of the title
(``关于…``, ``…2023年度``, ``…网站``). ``agency_key`` applies these rule classes
in order; each is an equivalence (the key names the same body the printed name
does) except ``site_chrome_prefix``, which drops a leading chunk up to a site
word (``开云手机官网入口·(中国)官方网站卫生健康局`` -> ``卫生健康局``) and may drop
the body's region with it. That step is *lossy*: its key never absorbs another
printed name's key silently — where it would, the name keeps the key of its
equivalence steps and the pair is listed as an ambiguity.

| class | what it does | example |
|---|---|---|
| ``width_space`` | NFKC (full/half width), whitespace and zero-width characters removed | ``平潭 综合实验区`` |
| ``title_residue`` | ``关于`` before, the report title and dates after the name | ``关于XX局2023年度`` -> ``XX局`` |
| ``site_chrome`` | site words between separators or at the end (``网站``, ``- 首页``) | ``XX区政府网站`` |
| ``bracket_type`` | brackets whose content only restates the body's type | ``平潭综合实验区（管委会）`` |
| ``abbreviation`` | the abbreviations in ``ABBREVIATIONS``, spelled out | ``卫健局`` -> ``卫生健康局`` |
| ``trailing_type`` | a trailing 人民政府 / 管理委员会 after a place name: the same body | ``平潭综合实验区管委会`` |
| ``site_chrome_prefix`` (lossy) | everything up to a site word inside the name | see above |

A user mapping (CSV ``printed_name,agency_key,region``) wins over the rules.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

# Short forms that reports print, and the full form each stands for (checked in order).
ABBREVIATIONS: tuple[tuple[str, str], ...] = (
    ("卫健委", "卫生健康委员会"),
    ("卫健局", "卫生健康局"),
    ("卫计委", "卫生和计划生育委员会"),
    ("管委会", "管理委员会"),
    ("发改委", "发展和改革委员会"),
    ("发改局", "发展和改革局"),
    ("人社局", "人力资源和社会保障局"),
    ("住建局", "住房和城乡建设局"),
    ("住建委", "住房和城乡建设委员会"),
    ("市监局", "市场监督管理局"),
    ("市场监管局", "市场监督管理局"),
    ("工信局", "工业和信息化局"),
    ("教体局", "教育和体育局"),
    ("文旅局", "文化和旅游局"),
    ("文广旅局", "文化广电和旅游局"),
    ("资规局", "自然资源和规划局"),
    ("应急局", "应急管理局"),
    ("医保局", "医疗保障局"),
    ("退役军人局", "退役军人事务局"),
    ("交通局", "交通运输局"),
    ("城管局", "城市管理局"),
    ("科委", "科学技术委员会"),
    ("教委", "教育委员会"),
    ("侨办", "侨务办公室"),
)
# 区政府 / 县政府办 …: 政府 without 人民 after a place name is the 人民政府.
_GOVERNMENT_OFFICE = re.compile(r"(?<=[省市县区州盟旗镇乡])(?<!人民)政府办(?!公)")
_GOVERNMENT = re.compile(r"(?<=[省市县区州盟旗镇乡])政府")

# Bracket content that only restates the body's type.
_TYPE_WORDS = ("管委会", "管理委员会", "人民政府", "政府", "本级", "机关")
_BRACKETED = re.compile(r"\(([^()]*)\)")
_TRAILING_TYPE = re.compile(r"(?<=[省市县区州盟旗镇乡])(人民政府|管理委员会)$")

_SPACE = re.compile(r"[\s\u200b\u200c\u200d\ufeff]+")
_ABOUT = re.compile(r"^关于")
_TITLE_TAIL = re.compile(r"(政府信息公开|信息公开工作|年度报告|工作报告|年报).*$")
_DATE = re.compile(r"\d{4}\s*年(\s*\d{1,2}\s*月(\s*\d{1,2}\s*日)?)?度?|\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{4}$")
_CHROME_WORDS = ("门户网站", "官方网站", "网站", "官网", "首页", "政务公开", "信息公开")
_SEPARATORS = re.compile(r"[|｜_—–-]+")
_CHROME_TAIL = re.compile(r"(" + "|".join(_CHROME_WORDS) + r")$")
_CHROME_PREFIX = re.compile(r"^.*(官方网站|官网|门户网站|网站)[·•・:：\s-]*(?=.)")
# A local body (局, 委员会, 办公室, 中心) printed without any place name cannot be told from its
# namesakes in other places.
_PLACE = re.compile(r"[省市县区州盟旗镇乡]|街道|自治")
_LOCAL_BODY = re.compile(r"(局|委员会|办公室|中心|委|办)$")


@dataclass(frozen=True)
class AgencyName:
    """One printed name and the key the rules give it."""

    printed: str
    key: str
    steps: tuple[str, ...]  # rule classes that changed the name, in order
    exact_key: str  # the key without the lossy step (== key where it did not apply)
    region: str | None = None
    method: str = "rules"  # or "mapping"

    @property
    def lossy(self) -> bool:
        return self.key != self.exact_key


@dataclass(frozen=True)
class Ambiguity:
    """Printed names the rules could not settle; none of them is merged on a guess."""

    key: str
    names: tuple[str, ...]
    reason: str


def _width_space(name: str) -> str:
    return _SPACE.sub("", unicodedata.normalize("NFKC", name))


def _title_residue(name: str) -> str:
    name = _ABOUT.sub("", name)
    name = _TITLE_TAIL.sub("", name)
    return _DATE.sub("", name)


def _site_chrome(name: str) -> str:
    parts = [p for p in _SEPARATORS.split(name) if p and p not in _CHROME_WORDS]
    name = "".join(parts)
    while (trimmed := _CHROME_TAIL.sub("", name)) != name and trimmed:
        name = trimmed
    return name


def _bracket_type(name: str) -> str:
    return _BRACKETED.sub(lambda m: "" if m.group(1) in _TYPE_WORDS else m.group(0), name)


def _abbreviation(name: str) -> str:
    for short, full in ABBREVIATIONS:
        if full not in name:
            name = name.replace(short, full)
    name = _GOVERNMENT_OFFICE.sub("人民政府办公室", name)
    return _GOVERNMENT.sub("人民政府", name)


def _trailing_type(name: str) -> str:
    return _TRAILING_TYPE.sub("", name)


_EQUIVALENCES = (
    ("width_space", _width_space),
    ("title_residue", _title_residue),
    ("site_chrome", _site_chrome),
    ("bracket_type", _bracket_type),
    ("abbreviation", _abbreviation),
    ("trailing_type", _trailing_type),
)


def _equivalent(name: str) -> tuple[str, list[str]]:
    steps: list[str] = []
    for step, rule in _EQUIVALENCES:
        changed = rule(name)
        if changed != name and changed:
            steps.append(step)
            name = changed
    return name, steps


def agency_key(printed: str) -> AgencyName:
    """The key of one printed name by the rules alone (no mapping, no comparison with other names)."""
    exact, steps = _equivalent(printed)
    key = exact
    stripped = _CHROME_PREFIX.sub("", exact)
    if stripped != exact and len(stripped) >= 2:
        key, more = _equivalent(stripped)
        steps += ["site_chrome_prefix", *more]
    return AgencyName(printed=printed, key=key, steps=tuple(dict.fromkeys(steps)), exact_key=exact)


# ---------------------------------------------------------------- user mapping
MAPPING_COLUMNS = ("printed_name", "agency_key", "region")


@dataclass(frozen=True)
class AgencyMapping:
    """printed name -> (agency key, region), from the user's CSV; looked up width- and space-blind."""

    entries: dict[str, tuple[str, str | None]] = field(default_factory=dict)

    @classmethod
    def read(cls, path: Path) -> AgencyMapping:
        """Read ``printed_name,agency_key[,region]`` rows (a header row naming them is required)."""
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            missing = [c for c in MAPPING_COLUMNS[:2] if c not in (reader.fieldnames or [])]
            if missing:
                raise ValueError(f"{path}: the mapping needs columns {', '.join(MAPPING_COLUMNS)}; missing {missing}")
            entries: dict[str, tuple[str, str | None]] = {}
            for line, row in enumerate(reader, start=2):
                printed, key = (row.get("printed_name") or "").strip(), (row.get("agency_key") or "").strip()
                if not printed or not key:
                    raise ValueError(f"{path}:{line}: printed_name and agency_key must both be set")
                entries[_width_space(printed)] = (key, (row.get("region") or "").strip() or None)
        return cls(entries)

    def get(self, printed: str) -> tuple[str, str | None] | None:
        return self.entries.get(_width_space(printed))


# ---------------------------------------------------------------- many names at once
def resolve_agencies(
    printed_names: Iterable[str], mapping: AgencyMapping | None = None
) -> tuple[dict[str, AgencyName], list[Ambiguity]]:
    """The identity of every printed name, and what could not be settled.

    A mapped name takes the mapping's key and region. A lossy key that another
    name reaches too (with or without loss) is not taken: each lossy name keeps
    its exact key and the names are an ambiguity. A lossy key nobody else has is
    kept and listed, as is a local body without a place name."""
    names = sorted(set(printed_names))
    found: dict[str, AgencyName] = {}
    for printed in names:
        mapped = mapping.get(printed) if mapping is not None else None
        if mapped is not None:
            found[printed] = AgencyName(printed, mapped[0], ("mapping",), mapped[0], mapped[1], "mapping")
        else:
            found[printed] = agency_key(printed)
    exact_keys: dict[str, list[str]] = defaultdict(list)
    lossy_keys: dict[str, list[AgencyName]] = defaultdict(list)
    for identity in found.values():
        (lossy_keys[identity.key] if identity.lossy else exact_keys[identity.key]).append(identity)
    ambiguities: list[Ambiguity] = []
    for key, lossy in lossy_keys.items():
        names = tuple(identity.printed for identity in (*lossy, *exact_keys.get(key, ())))
        if len(names) == 1:
            ambiguities.append(Ambiguity(key, names, f"{names[0]!r} became {key!r} by dropping a site-chrome prefix"))
            continue
        for identity in lossy:  # the lossy step would merge different names: not taken
            exact_steps = identity.steps[: identity.steps.index("site_chrome_prefix")]
            found[identity.printed] = AgencyName(identity.printed, identity.exact_key, exact_steps, identity.exact_key)
        apart = ", ".join(repr(identity.exact_key) for identity in lossy)
        ambiguities.append(
            Ambiguity(
                key,
                names,
                f"{', '.join(map(repr, names))} would share {key!r} only by dropping a site-chrome prefix; "
                f"kept apart as {apart} (map them to merge)",
            )
        )
    listed = {name for ambiguity in ambiguities for name in ambiguity.names}
    for identity in found.values():
        if identity.printed in listed or identity.method == "mapping":
            continue
        if not _PLACE.search(identity.key) and _LOCAL_BODY.search(identity.key):
            ambiguities.append(
                Ambiguity(
                    identity.key,
                    (identity.printed,),
                    f"{identity.key!r} names no place: namesakes elsewhere would share its key (map it to a region)",
                )
            )
    return found, ambiguities
