# SPDX-License-Identifier: GPL-2.0-only
"""Bochs test machines: boot a GRUB ISO on Bochs' Intel CPU models (VMX with
EPT), headless, with the serial console written to a file we follow.

Bochs has no Multiboot loader of its own, so it always boots through GRUB.
A guest reset ends Bochs (its debugger stops at the reset and reads EOF);
so does ACPI power-off (reported as a panic, exit status 1): look at
exit_reason() to tell them apart."""
import os
import re
import shutil
import tempfile

from .errors import MachineStartError
from .iso import build_iso
from .machine import Machine
from .paths import SCRIPTS, hypervisor_elf, require_file

TEMPLATE = os.path.join(SCRIPTS, "bochs", "bochsrc.in")
BIOS = "/usr/share/bochs/BIOS-bochs-latest"
VGABIOS = "/usr/share/vgabios/vgabios.bin"


def render_bochsrc(template, values):
    """Replace every @NAME@ in template with values[NAME]; fail on leftovers."""
    def sub(m):
        key = m.group(1)
        if key not in values:
            raise MachineStartError(f"bochsrc template: no value for @{key}@")
        return str(values[key])
    return re.sub(r"@([A-Z_]+)@", sub, template)


class BochsMachine(Machine):
    """A Bochs machine booting a GRUB ISO.

    iso        boot this ISO; without it one is built (and cached) from
               kernel (default $O/tessera.elf), cmdline and modules
    cpu_model  a model from `bochs --help cpu` (corei7_skylake_x: VMX + EPT)
    smp, mem_mb, ips (instructions per emulated second, for the timers)
    timeout    hard limit in seconds for the machine's whole life
    keep_files keep the work directory (bochsrc, bochs.log, serial.log)
    """

    kind = "bochs"

    def __init__(self, iso=None, cpu_model="corei7_skylake_x", smp=1, mem_mb=256,
                 timeout=120, cmdline="console=com1", modules=(), kernel=None,
                 ips=50_000_000, bochs=None, keep_files=False, iso_cache_dir=None):
        super().__init__(timeout=timeout)
        self.iso = iso
        self.cpu_model = cpu_model
        self.smp = smp
        self.mem_mb = mem_mb
        self.cmdline = cmdline
        self.modules = [(str(p), a or "") for p, a in modules]
        self.kernel = kernel
        self.ips = ips
        self.bochs = bochs or os.environ.get("BOCHS") or "bochs"
        self.keep_files = keep_files
        self.iso_cache_dir = iso_cache_dir
        self.workdir = None
        self._saved_bochs_log = None

    def prepare(self):
        if not shutil.which(self.bochs):
            raise MachineStartError(f"{self.bochs} not found: install bochs bochsbios vgabios")
        for path, pkg in ((BIOS, "bochsbios"), (VGABIOS, "vgabios"), (TEMPLATE, "the repository")):
            require_file(path, "Bochs input", f"install {pkg}")
        if self.iso is None:
            self.iso = build_iso(self.kernel or hypervisor_elf(), self.cmdline,
                                 self.modules, self.iso_cache_dir)
        require_file(self.iso, "ISO", "build it with 'make iso'")
        self.workdir = tempfile.mkdtemp(prefix="tessera-bochs-")
        values = {
            "CPU_MODEL": self.cpu_model, "SMP": self.smp, "IPS": self.ips,
            "MEM_MB": self.mem_mb, "BIOS": BIOS, "VGABIOS": VGABIOS,
            "ISO": os.path.abspath(self.iso), "SERIAL": self.serial_file(),
            "LOG": self.bochs_log_path,
        }
        try:
            with open(TEMPLATE) as f:
                rc = render_bochsrc(f.read(), values)
            with open(self.bochsrc_path, "w") as f:
                f.write(rc)
            with open(self.debugger_rc_path, "w") as f:
                f.write("c\n")
        except BaseException:
            shutil.rmtree(self.workdir, ignore_errors=True)
            raise
        return [self.bochs, "-q", "-f", self.bochsrc_path, "-rc", self.debugger_rc_path]

    def cwd(self):
        return self.workdir

    def serial_file(self):
        return os.path.join(self.workdir, "serial.log")

    @property
    def bochsrc_path(self):
        return os.path.join(self.workdir, "bochsrc")

    @property
    def debugger_rc_path(self):
        return os.path.join(self.workdir, "debugger.rc")

    @property
    def bochs_log_path(self):
        return os.path.join(self.workdir, "bochs.log")

    @property
    def bochs_log(self):
        """Bochs' own log (info level and up)."""
        if self._saved_bochs_log is not None:
            return self._saved_bochs_log
        try:
            with open(self.bochs_log_path, errors="replace") as f:
                return f.read()
        except (OSError, TypeError):
            return ""

    def exit_reason(self):
        """'poweroff', 'reset', 'panic' (Bochs panicked) or None (running or unknown)."""
        log = self.bochs_log
        if "ACPI control: soft power off" in log:
            return "poweroff"
        # The first hardware reset is power-on.
        if len(re.findall(r"Reset\((HARDWARE|SOFTWARE)\) called", log)) > 1:
            return "reset"
        if ">>PANIC<<" in log:
            return "panic"
        return None

    def describe(self, what):
        text = super().describe(what)
        tail = [l for l in self.bochs_log.splitlines() if "[PLUGIN]" not in l][-15:]
        if tail:
            text += "\n--- bochs.log (last lines) ---\n" + "\n".join(tail)
        return text

    def stop(self):
        super().stop()
        if self.workdir and not self.keep_files:
            self._saved_bochs_log = self.bochs_log
            if self.log_path and os.path.isfile(self.bochs_log_path):
                shutil.copyfile(self.bochs_log_path, self.log_path[:-4] + ".bochs.log")
            shutil.rmtree(self.workdir, ignore_errors=True)
