#!/bin/sh
# Add xacct to your desktop's application menu (for you only, no root needed).
# Run it from the folder you unpacked; run it again after moving that folder.
#   ./install-desktop-entry.sh            install or update the menu entry
#   ./install-desktop-entry.sh --remove   remove it again
set -eu

app_id="@APP_ID@"
here=$(cd "$(dirname "$0")" && pwd)
exe="$here/@EXE_NAME@"
data_home="${XDG_DATA_HOME:-$HOME/.local/share}"
desktop_file="$data_home/applications/$app_id.desktop"
icon_file="$data_home/icons/hicolor/256x256/apps/xacct.png"

if [ "${1:-}" = "--remove" ]; then
    rm -f "$desktop_file" "$icon_file"
    echo "Removed $desktop_file"
    exit 0
fi

if [ ! -x "$exe" ]; then
    echo "error: $exe not found; run this script from the unpacked xacct folder" >&2
    exit 1
fi

mkdir -p "$(dirname "$desktop_file")" "$(dirname "$icon_file")"
cp "$here/xacct.png" "$icon_file"
# Point Exec/TryExec at this folder's executable; quotes keep paths with spaces intact.
sed -e "s|^Exec=.*|Exec=\"$exe\"|" -e "s|^TryExec=.*|TryExec=$exe|" \
    "$here/$app_id.desktop" > "$desktop_file"
chmod 644 "$desktop_file"
# Refresh the menu's cache where the tool exists; harmless where it does not.
command -v update-desktop-database >/dev/null 2>&1 &&
    update-desktop-database "$data_home/applications" >/dev/null 2>&1 || true
echo "Installed $desktop_file"
echo "xacct is now in your application menu (log out and in if it does not show yet)."
