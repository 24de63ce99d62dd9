"""Resource limits for one student process, as typed settings with defaults.

Memory is capped with RLIMIT_DATA, not RLIMIT_AS: an address-space cap breaks
``import torch`` below ~768 MiB and grows with the number of threads, while a data cap
lets torch load at 256 MiB and still stops a 2 GiB tensor. Output to a pipe is not covered
by RLIMIT_FSIZE, so the trusted reader enforces ``output_bytes`` itself.
"""

from __future__ import annotations

import dataclasses
from typing import Any

MiB = 1024 * 1024


@dataclasses.dataclass(frozen=True)
class Limits:
    memory_mb: int = 2048
    """RLIMIT_DATA of the student process (heap and anonymous mappings)."""
    cpu_seconds: int = 600
    """RLIMIT_CPU over the process's whole life; the per-test wall clock is separate."""
    file_size_mb: int = 64
    """Largest file the student process may write (RLIMIT_FSIZE)."""
    open_files: int = 256
    """RLIMIT_NOFILE."""
    output_bytes: int = 64 * 1024
    """Bytes of printed output kept per submission; the rest is counted and dropped."""
    frame_mb: int = 256
    """Largest single answer the student process may send back."""

    @classmethod
    def from_mapping(cls, values: dict[str, Any] | None, where: str = "limits") -> "Limits":
        values = dict(values or {})
        known = {f.name for f in dataclasses.fields(cls)}
        unknown = sorted(set(values) - known)
        if unknown:
            raise ValueError(f"{where}: unknown limit {unknown[0]!r} (known: {', '.join(sorted(known))})")
        for name, value in values.items():
            if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
                raise ValueError(f"{where}.{name}: must be a positive integer, got {value!r}")
        return cls(**values)

    def rlimits(self) -> dict[str, list[int]]:
        """What the student process applies to itself before importing student code."""
        return {
            "RLIMIT_DATA": [self.memory_mb * MiB] * 2,
            "RLIMIT_CPU": [self.cpu_seconds, self.cpu_seconds + 5],
            "RLIMIT_FSIZE": [self.file_size_mb * MiB] * 2,
            "RLIMIT_NOFILE": [self.open_files] * 2,
            "RLIMIT_CORE": [0, 0],
        }
