"""Rule packs: found by their manifests (``pack.toml``), with versions by date, overlays,
program files and case schema.

Packs are discovered, never listed in Python: every folder of the installed ``logic/`` with a
``pack.toml``, and every pack in the folders a user names (the ``RULEPATH_PACK_PATH``
environment variable, ``os.pathsep``-separated, or :func:`add_pack_path`, which the CLI's
``--pack-path`` calls). A folder on the path is a pack (it has a ``pack.toml``) or holds packs.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import CaseError, PackError

if TYPE_CHECKING:
    from .schema import CaseSchema

PACK_PATH_ENV = "RULEPATH_PACK_PATH"
# The core every pack's program is built on, loaded before the pack's own main file (a pack
# in logic/ also includes them, so that it runs under plain clingo; clingo loads a file once).
CORE_FILES = ("interpreter.lp", "declarations.lp", "requirements.lp", "output.lp")
_EXTRA_PATHS: list[Path] = []


@dataclass(frozen=True)
class Version:
    """One version of a rule, in force from a date, with the files that add its differences."""

    id: str
    in_force_from: date
    files: tuple[str, ...]
    cite_rewrite: tuple[tuple[str, str], ...]
    dated_by: str

    def cite(self, cite: str) -> str:
        """A cite in this version's numbering (the logic writes the current numbering)."""
        for old, new in self.cite_rewrite:
            if cite.startswith(old):
                return new + cite[len(old) :]
        return cite


@dataclass(frozen=True)
class Overlay:
    id: str
    file: str
    seen_in: str


@dataclass(frozen=True)
class Pack:
    """A rule pack as its manifest describes it."""

    id: str
    title: str
    court: str
    root: Path
    main: str
    versions: tuple[Version, ...]
    overlays: dict[str, Overlay] = field(hash=False)
    courts: tuple[str, ...] = ()  # the courts for which it is the default pack
    default: bool = False  # the pack for a case that names neither rule nor a known court
    schema_file: str = "case.toml"
    sources: str = ""
    order_file: str = "order.toml"  # what an order's words mean under it (order_spec.py)
    reasoning_file: str = "reasoning.toml"  # the words of its reasoning (engine/prose.py)

    def version_for(self, as_of: date, forced: str | None = None) -> Version:
        """The version in force on ``as_of``, or the one a case forces by id."""
        if forced is not None:
            for version in self.versions:
                if version.id == forced:
                    return version
            known = ", ".join(v.id for v in self.versions)
            raise CaseError("rule_version", f"unknown version {forced!r} (known: {known})")
        in_force = [v for v in self.versions if v.in_force_from <= as_of]
        if not in_force:
            first = self.versions[0]
            raise CaseError(
                "as_of", f"{as_of} is before the first version ({first.id}, {first.in_force_from})"
            )
        return in_force[-1]

    def _repr_svg_(self) -> str | None:  # notebooks draw the rule graph
        from .graph import pack_svg

        return pack_svg(self)

    def overlay_files(self, ids: tuple[str, ...]) -> tuple[Path, ...]:
        files = []
        for i, overlay_id in enumerate(ids):
            overlay = self.overlays.get(overlay_id)
            if overlay is None:
                known = ", ".join(sorted(self.overlays)) or "none"
                raise CaseError(
                    f"overlays[{i}]", f"unknown overlay {overlay_id!r} (known: {known})"
                )
            files.append(self.root / overlay.file)
        return tuple(files)

    def program_files(self, version: Version, overlays: tuple[str, ...]) -> tuple[Path, ...]:
        """The .lp files of one program: the core, main, the version's files, then overlays."""
        core = tuple(logic_root() / "core" / name for name in CORE_FILES)
        base = (*core, self.root / self.main)
        return base + tuple(self.root / f for f in version.files) + self.overlay_files(overlays)

    def case_schema(self) -> CaseSchema:
        """The pack's case fields (its ``case.toml``), read once per version of the file."""
        path = self.root / self.schema_file
        try:
            stamp = path.stat().st_mtime_ns
        except OSError:
            stamp = -1  # load_schema reports the fault
        return _case_schema(path, stamp, self.id)


@cache
def _case_schema(path: Path, stamp: int, pack_id: str) -> CaseSchema:
    from .schema import load_schema

    return load_schema(path, pack_id)


@cache
def logic_root() -> Path:
    """The folder of the built-in packs: the ``rulepath.logic`` package's own, which is what
    ``importlib.resources.files`` gives for it (without importing that machinery, ~6 ms of
    every start)."""
    from .. import logic

    return Path(logic.__file__).parent


def pack_listing() -> list[dict[str, Any]]:
    """Every pack found, by id: its id, title, court, whether it is the default, its folder
    (``root``), its versions with the dates they took effect and its overlays (``rulepath
    packs --format json``)."""
    default = default_pack_id()
    return [
        {
            "id": p.id,
            "title": p.title,
            "court": p.court,
            "default": p.id == default,
            "root": str(p.root),
            "versions": [
                {"id": v.id, "in_force_from": v.in_force_from.isoformat()} for v in p.versions
            ],
            "overlays": [{"id": o.id, "seen_in": o.seen_in} for o in p.overlays.values()],
        }
        for p in sorted(packs().values(), key=lambda p: p.id)
    ]


def add_pack_path(path: str | Path) -> None:
    """Look for packs in ``path`` too (a pack folder, or a folder of packs)."""
    folder = Path(path)
    if not folder.is_dir():
        raise PackError(str(path), "not a folder")
    _EXTRA_PATHS.append(folder.resolve())


@cache
def _env_paths(env: str) -> tuple[Path, ...]:
    return tuple(Path(p).resolve() for p in env.split(os.pathsep) if p)


def _search_path() -> tuple[Path, ...]:
    """Where packs are looked for (read on every lookup: the environment may change)."""
    return (logic_root(), *_env_paths(os.environ.get(PACK_PATH_ENV, "")), *_EXTRA_PATHS)


def _manifests(folder: Path) -> list[Path]:
    if (folder / "pack.toml").is_file():
        return [folder / "pack.toml"]
    return sorted(folder.glob("*/pack.toml"))


@cache
def _discover(search: tuple[Path, ...]) -> dict[str, Pack]:
    packs: dict[str, Pack] = {}
    for folder in search:
        for manifest in _manifests(folder):
            pack = _read_manifest(manifest)
            if pack.id in packs and packs[pack.id].root != pack.root:
                raise PackError(
                    pack.id, f"found twice: in {packs[pack.id].root} and in {pack.root}"
                )
            packs[pack.id] = pack
    return packs


def packs() -> dict[str, Pack]:
    """Every pack found, by id."""
    return _discover(_search_path())


def pack_ids() -> list[str]:
    """The ids of every rule pack the engine can load."""
    return sorted(packs())


def default_pack_id(court: str | None = None) -> str:
    """The pack for a case that names no rule: the one for its court, else the default."""
    found = packs()
    if court is not None:
        for pack in found.values():
            if court in pack.courts:
                return pack.id
    defaults = sorted(p.id for p in found.values() if p.default)
    if not defaults:
        raise PackError("rule", "no default rule pack is installed: name one with rule")
    return defaults[0]


def load_pack(pack_id: str | None = None) -> Pack:
    """The pack with this id (the default pack when None)."""
    found = packs()
    pack = found.get(pack_id or default_pack_id())
    if pack is None:
        known = ", ".join(sorted(found))
        raise CaseError("rule", f"unknown rule pack {pack_id!r} (known: {known})")
    return pack


def _read_manifest(path: Path) -> Pack:
    try:
        with path.open("rb") as handle:
            manifest: dict[str, Any] = tomllib.load(handle)
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise PackError(str(path), f"cannot read the manifest: {error}") from None
    try:
        versions = tuple(
            sorted(
                (
                    Version(
                        id=v["id"],
                        in_force_from=date.fromisoformat(v["in_force_from"]),
                        files=tuple(v.get("files", ())),
                        cite_rewrite=tuple(v.get("cite_rewrite", {}).items()),
                        dated_by=v.get("dated_by", ""),
                    )
                    for v in manifest["versions"]
                ),
                key=lambda v: v.in_force_from,
            )
        )
        overlays = {
            oid: Overlay(id=oid, file=o["file"], seen_in=o.get("seen_in", ""))
            for oid, o in manifest.get("overlays", {}).items()
        }
        pack = Pack(
            id=manifest["id"],
            title=manifest["title"],
            court=manifest["court"],
            root=path.parent,
            main=manifest["main"],
            versions=versions,
            overlays=overlays,
            courts=tuple(manifest.get("courts", ())),
            default=bool(manifest.get("default", False)),
            schema_file=manifest.get("case_schema", "case.toml"),
            sources=manifest.get("sources", ""),
            order_file=manifest.get("order", "order.toml"),
            reasoning_file=manifest.get("reasoning", "reasoning.toml"),
        )
    except (KeyError, TypeError, ValueError) as error:
        raise PackError(str(path), f"faulty manifest: {error!r}") from None
    if not versions:
        raise PackError(pack.id, "a pack needs at least one version")
    return pack
