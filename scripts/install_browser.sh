#!/usr/bin/env bash
# Install Debian's chromium and chromium-driver for the explorer tests, when missing.
#
#   source scripts/install_browser.sh
#
# Sourced by scripts/test.sh. When the install fails (no package registry, not root), it
# exports RETOLD_BROWSER_UNAVAILABLE with the reason: the browser tests then skip with it.
# Without that variable a missing browser fails the tests.

retold_install_browser() {
    if command -v chromium >/dev/null 2>&1 && command -v chromedriver >/dev/null 2>&1; then
        return 0
    fi
    local sudo=""
    if [ "$(id -u)" -ne 0 ]; then
        if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
            sudo="sudo -n"
        else
            export RETOLD_BROWSER_UNAVAILABLE="not root and no passwordless sudo for apt-get"
            echo "test: chromium missing; $RETOLD_BROWSER_UNAVAILABLE" >&2
            return 0
        fi
    fi
    echo "test: installing Debian's chromium and chromium-driver (apt-get)"
    local log
    log="$(mktemp)"
    if $sudo apt-get update -qq >"$log" 2>&1 \
        && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends \
            chromium chromium-driver fonts-dejavu-core >>"$log" 2>&1; then
        rm -f "$log"
    else
        export RETOLD_BROWSER_UNAVAILABLE="apt-get install chromium chromium-driver failed: $(tail -n 1 "$log")"
        echo "test: $RETOLD_BROWSER_UNAVAILABLE" >&2
        rm -f "$log"
    fi
}

retold_install_browser
