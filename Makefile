# sscard: build, test and install.
#
#   make build                      the shipped programs, swift build -c release (Swift runtime linked statically)
#   make test                       scripts/test
#   make check                      scripts/check-deploy (units, udev, polkit, man, completion, install, sandbox, kiosk display)
#   make install DESTDIR=/tmp/root PREFIX=/usr
#
# `make install` installs what `make build` built; it does not build.
# On a live system, after `make install`:
#   systemd-sysusers; systemd-tmpfiles --create sscard.conf
#   systemctl daemon-reload; udevadm control --reload
#   systemctl enable --now sscardd.socket
# (docs/operations.md).

PREFIX      ?= /usr
SYSCONFDIR  ?= /etc
DESTDIR     ?=
BINDIR      ?= $(PREFIX)/bin
LIBEXECDIR  ?= $(PREFIX)/lib/sscard
UNITDIR     ?= $(PREFIX)/lib/systemd/system
UDEVRULESDIR ?= $(PREFIX)/lib/udev/rules.d
SYSUSERSDIR ?= $(PREFIX)/lib/sysusers.d
TMPFILESDIR ?= $(PREFIX)/lib/tmpfiles.d
POLKITRULESDIR ?= $(PREFIX)/share/polkit-1/rules.d
MANDIR      ?= $(PREFIX)/share/man
BASHCOMPLETIONDIR ?= $(PREFIX)/share/bash-completion/completions
# The Grafana dashboard and Prometheus alert rules for the metrics file (docs/operations.md, "Metrics").
SSCARDDATADIR ?= $(PREFIX)/share/sscard

SWIFT ?= swift
# Static Swift runtime: the installed binaries need only Debian's libc,
# libstdc++, libsqlite3 and libpcsclite, not a Swift toolchain.
SWIFT_BUILD_FLAGS ?= -c release --static-swift-stdlib
# Where the built executables are; override to install from elsewhere.
BINPATH ?= $(shell $(SWIFT) build $(SWIFT_BUILD_FLAGS) --show-bin-path)

INSTALL ?= install

# What ships: the package's declared products, and nothing else (the
# development tools under Tools/ are built by scripts/test and scripts/bench).
PROGRAMS = sscardd sscardctl sscard-kiosk sscard-migrate-registry
LIBEXEC_PROGRAMS = sscard-vcard
PRODUCTS = $(PROGRAMS) $(LIBEXEC_PROGRAMS)

UNITS = systemd/sscardd.socket systemd/sscardd.service systemd/sscard-kiosk.service \
        systemd/sscard-kiosk-web.service systemd/sscard-kiosk-display.service
MAN1 = man/sscardctl.1
MAN5 = man/sscardd.conf.5
MAN8 = man/sscardd.8 man/sscard-kiosk.8 man/sscard-migrate-registry.8

.PHONY: all build print-binpath print-products test check check-units check-udev check-polkit check-man check-completion check-install check-sandbox \
        check-kiosk-display install uninstall

all: build

build:
	@for product in $(PRODUCTS); do \
	    echo "$(SWIFT) build $(SWIFT_BUILD_FLAGS) --product $$product"; \
	    $(SWIFT) build $(SWIFT_BUILD_FLAGS) --product $$product || exit 1; \
	done

print-binpath:
	@echo $(BINPATH)

print-products:
	@echo $(PRODUCTS)

test:
	scripts/test

check:
	scripts/check-deploy

check-units:
	scripts/check-units

check-udev:
	scripts/check-udev

check-polkit:
	scripts/check-polkit

check-man:
	scripts/check-man

check-completion:
	scripts/check-completion

check-install:
	scripts/check-install

check-sandbox:
	scripts/check-sandbox

check-kiosk-display:
	scripts/check-kiosk-display

install:
	@for program in $(PRODUCTS); do \
	    test -x "$(BINPATH)/$$program" || { echo "make install: $(BINPATH)/$$program is missing; run 'make build' first" >&2; exit 1; }; \
	done
	$(INSTALL) -d -m 0755 $(DESTDIR)$(BINDIR) $(DESTDIR)$(LIBEXECDIR) $(DESTDIR)$(UNITDIR) \
	    $(DESTDIR)$(UDEVRULESDIR) $(DESTDIR)$(SYSUSERSDIR) $(DESTDIR)$(TMPFILESDIR) \
	    $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(MANDIR)/man8 \
	    $(DESTDIR)$(BASHCOMPLETIONDIR) $(DESTDIR)$(SYSCONFDIR)/sscard
	$(INSTALL) -d -m 0755 $(DESTDIR)$(POLKITRULESDIR)
	$(INSTALL) -d -m 0755 $(DESTDIR)$(SSCARDDATADIR)/grafana $(DESTDIR)$(SSCARDDATADIR)/prometheus
	$(INSTALL) -m 0755 $(addprefix $(BINPATH)/,$(PROGRAMS)) $(DESTDIR)$(BINDIR)/
	$(INSTALL) -m 0755 $(addprefix $(BINPATH)/,$(LIBEXEC_PROGRAMS)) $(DESTDIR)$(LIBEXECDIR)/
	for unit in $(UNITS); do \
	    sed 's|/usr/bin/sscard|$(BINDIR)/sscard|g' $$unit > $(DESTDIR)$(UNITDIR)/$${unit#systemd/}.tmp && \
	    chmod 0644 $(DESTDIR)$(UNITDIR)/$${unit#systemd/}.tmp && \
	    mv $(DESTDIR)$(UNITDIR)/$${unit#systemd/}.tmp $(DESTDIR)$(UNITDIR)/$${unit#systemd/} || exit 1; \
	done
	$(INSTALL) -m 0644 systemd/sysusers.d/sscard.conf $(DESTDIR)$(SYSUSERSDIR)/sscard.conf
	$(INSTALL) -m 0644 systemd/tmpfiles.d/sscard.conf $(DESTDIR)$(TMPFILESDIR)/sscard.conf
	$(INSTALL) -m 0644 udev/60-sscard-readers.rules $(DESTDIR)$(UDEVRULESDIR)/
	$(INSTALL) -m 0644 polkit/50-sscard-pcscd.rules $(DESTDIR)$(POLKITRULESDIR)/
	$(INSTALL) -m 0644 $(MAN1) $(DESTDIR)$(MANDIR)/man1/
	$(INSTALL) -m 0644 $(MAN5) $(DESTDIR)$(MANDIR)/man5/
	$(INSTALL) -m 0644 $(MAN8) $(DESTDIR)$(MANDIR)/man8/
	$(INSTALL) -m 0644 completion/sscardctl $(DESTDIR)$(BASHCOMPLETIONDIR)/sscardctl
	$(INSTALL) -m 0644 share/grafana/sscard-dashboard.json $(DESTDIR)$(SSCARDDATADIR)/grafana/
	$(INSTALL) -m 0644 share/prometheus/sscard-alerts.yml $(DESTDIR)$(SSCARDDATADIR)/prometheus/
	@# Never overwrite a configuration the administrator has edited.
	test -e $(DESTDIR)$(SYSCONFDIR)/sscard/sscardd.conf || \
	    $(INSTALL) -m 0644 share/sscardd.conf $(DESTDIR)$(SYSCONFDIR)/sscard/sscardd.conf

uninstall:
	rm -f $(addprefix $(DESTDIR)$(BINDIR)/,$(PROGRAMS))
	rm -f $(addprefix $(DESTDIR)$(LIBEXECDIR)/,$(LIBEXEC_PROGRAMS))
	-rmdir $(DESTDIR)$(LIBEXECDIR)
	rm -f $(addprefix $(DESTDIR)$(UNITDIR)/,$(notdir $(UNITS)))
	rm -f $(DESTDIR)$(SYSUSERSDIR)/sscard.conf $(DESTDIR)$(TMPFILESDIR)/sscard.conf
	rm -f $(DESTDIR)$(UDEVRULESDIR)/60-sscard-readers.rules $(DESTDIR)$(POLKITRULESDIR)/50-sscard-pcscd.rules
	rm -f $(addprefix $(DESTDIR)$(MANDIR)/man1/,$(notdir $(MAN1))) \
	      $(addprefix $(DESTDIR)$(MANDIR)/man5/,$(notdir $(MAN5))) \
	      $(addprefix $(DESTDIR)$(MANDIR)/man8/,$(notdir $(MAN8)))
	rm -f $(DESTDIR)$(BASHCOMPLETIONDIR)/sscardctl
	rm -f $(DESTDIR)$(SSCARDDATADIR)/grafana/sscard-dashboard.json $(DESTDIR)$(SSCARDDATADIR)/prometheus/sscard-alerts.yml
	-rmdir $(DESTDIR)$(SSCARDDATADIR)/grafana $(DESTDIR)$(SSCARDDATADIR)/prometheus $(DESTDIR)$(SSCARDDATADIR)
	@echo "left $(DESTDIR)$(SYSCONFDIR)/sscard/sscardd.conf and /var/lib/sscard in place"
