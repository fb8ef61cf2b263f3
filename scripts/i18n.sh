#!/usr/bin/env bash
# Gettext catalogs of orderbot (domain "bot"; template locales/bot.pot; English msgids).
#   scripts/i18n.sh extract   code -> locales/bot.pot (sorted, no locations: small diffs)
#   scripts/i18n.sh update    locales/bot.pot -> locales/{es,pt,ar}/LC_MESSAGES/bot.po
#   scripts/i18n.sh check     msgfmt --check on every catalog
#   scripts/i18n.sh all       extract, update, check
# No .mo files are built: bot/i18n.py compiles the .po catalogs in memory at start-up.
set -euo pipefail

cd "$(dirname "$0")/.."

DOMAIN=bot
LOCALES_DIR=locales
POT="$LOCALES_DIR/$DOMAIN.pot"
LANGUAGES=(es pt ar)

extract() {
    pybabel extract -F babel.cfg \
        --no-default-keywords -k _ -k N_ -k ngettext:1,2 \
        -k pgettext:1c,2 -k npgettext:1c,2,3 -k NC_:1c,2 \
        --add-comments=TRANSLATORS: \
        --no-location --sort-output --width=100 \
        --project=orderbot --version=0.1.0 \
        -o "$POT" .
}

update() {
    local lang po
    for lang in "${LANGUAGES[@]}"; do
        po="$LOCALES_DIR/$lang/LC_MESSAGES/$DOMAIN.po"
        if [[ ! -f "$po" ]]; then
            # Not created here on purpose: Babel's Arabic Plural-Forms differs from the
            # GNU one this project uses; copy the header of an existing catalog instead.
            echo "missing catalog: $po" >&2
            exit 1
        fi
        pybabel update -i "$POT" -d "$LOCALES_DIR" -D "$DOMAIN" -l "$lang" \
            --no-fuzzy-matching --width=100
    done
}

check() {
    local lang po
    for lang in "${LANGUAGES[@]}"; do
        po="$LOCALES_DIR/$lang/LC_MESSAGES/$DOMAIN.po"
        echo "checking $po"
        msgfmt --check --statistics -o /dev/null "$po"
    done
}

case "${1:-}" in
    extract) extract ;;
    update) update ;;
    check) check ;;
    all) extract; update; check ;;
    *) echo "usage: $0 {extract|update|check|all}" >&2; exit 2 ;;
esac
