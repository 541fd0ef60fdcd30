"""Rule packs: their manifest (``pack.toml``), versions by date, overlays, and program files."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from importlib import resources
from pathlib import Path

from .errors import CaseError

DEFAULT_PACK = "edcal-lr251"
_PACK_DIRS = {"edcal-lr251": "edcal_lr251"}


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
                known = ", ".join(sorted(self.overlays))
                raise CaseError(
                    f"overlays[{i}]", f"unknown overlay {overlay_id!r} (known: {known})"
                )
            files.append(self.root / overlay.file)
        return tuple(files)

    def program_files(self, version: Version, overlays: tuple[str, ...]) -> tuple[Path, ...]:
        """The .lp files of one program: main, then the version's files, then overlays."""
        base = (self.root / self.main,)
        return base + tuple(self.root / f for f in version.files) + self.overlay_files(overlays)


def logic_root() -> Path:
    return Path(str(resources.files("rulepath.logic")))


@cache
def load_pack(pack_id: str | None = None) -> Pack:
    """The pack with this id (the default pack when None)."""
    pack_id = pack_id or DEFAULT_PACK
    folder = _PACK_DIRS.get(pack_id)
    if folder is None:
        raise CaseError("rule", f"unknown rule pack {pack_id!r} (known: {', '.join(_PACK_DIRS)})")
    root = logic_root() / folder
    with (root / "pack.toml").open("rb") as handle:
        manifest = tomllib.load(handle)
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
    return Pack(
        id=manifest["id"],
        title=manifest["title"],
        court=manifest["court"],
        root=root,
        main=manifest["main"],
        versions=versions,
        overlays=overlays,
    )


def pack_ids() -> list[str]:
    """The ids of every rule pack the engine can load."""
    return sorted(_PACK_DIRS)
