#!/usr/bin/env bash
# The image's base, built from this machine instead of pulled from a registry: a Java runtime made by jlink from the
# JDK running the build, the shared libraries it loads (Debian's glibc, libstdc++ for RocksDB's JNI library), a
# non-root user (10001), and the directories a service writes. Jib puts the application's layers on top of it,
# from `scratch`. Usage: runtime-base.sh <output directory> [<JDK home>, default: the java on PATH's]
set -euo pipefail
out=$(realpath -m "${1:?usage: runtime-base.sh <output directory>}")
java_home=${2:-$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")}
rm -rf "$out"
mkdir -p "$out"

# The modules the services use (jdeps over every jar), plus what is loaded as a service and so invisible to jdeps:
# EC curves for TLS, DNS for JNDI, extra charsets, Spanish and English locale data, JFR for profiling in production.
modules=java.base,java.logging,java.net.http,java.management,java.desktop,java.xml,java.sql,java.naming
modules+=,java.security.sasl,java.security.jgss,jdk.unsupported,jdk.management,jdk.httpserver
modules+=,jdk.crypto.ec,jdk.naming.dns,jdk.charsets,jdk.localedata,jdk.zipfs,jdk.jfr
"$java_home/bin/jlink" --add-modules "$modules" --include-locales=en,es --strip-debug --no-header-files \
  --no-man-pages --compress=2 --output "$out/opt/java"

# java.desktop stays for java.beans (used by libraries); its native GUI, font and sound libraries never load in a
# headless server, and would bring X11, freetype and ALSA with them.
for gui in libawt_xawt libfontmanager libjavajpeg liblcms libsplashscreen libjsound; do
  rm -f "$out/opt/java/lib/$gui.so"
done

# Debian's JDK points cacerts at /etc/ssl/certs/java/cacerts: take the real file, so TLS to Kafka, SMTP, Stripe and
# push services verifies against the same roots as on this machine.
cacerts=$out/opt/java/lib/security/cacerts
if [ -L "$cacerts" ] || [ ! -s "$cacerts" ]; then
  rm -f "$cacerts"
  cp -L "$java_home/lib/security/cacerts" "$cacerts"
fi

# Every shared library the runtime's binaries load, at the path the dynamic loader looks for it.
libs=$(find "$out/opt/java" -type f \( -name '*.so' -o -path '*/bin/*' \) -exec ldd {} \; 2>/dev/null \
  | awk '/=> \// {print $3} /^[ \t]*\/.*ld-linux/ {print $1}' | grep -v "^$out" | sort -u)
# Loaded by the JNI libraries RocksDB, zstd and Snappy unpack at run time.
# awk reads all of ldconfig's output and prints the first match at the end: an early `exit` would close the pipe
# while ldconfig still writes, and under pipefail its SIGPIPE (exit 141) would fail the build now and then.
for extra in libstdc++.so.6 libgcc_s.so.1; do
  libs+=$'\n'$(ldconfig -p | awk -v name="$extra" '!found && $1 == name && /x86-64/ {found = $NF} END {print found}')
done
for lib in $libs; do
  cp -L --parents "$lib" "$out"
done

mkdir -p "$out/etc" "$out/tmp" "$out/data" "$out/state"
cat > "$out/etc/passwd" <<'PASSWD'
root:x:0:0:root:/root:/sbin/nologin
onramp:x:10001:0:onramp:/data:/sbin/nologin
PASSWD
cat > "$out/etc/group" <<'GROUP'
root:x:0:
onramp:x:10001:
GROUP
echo "hosts: files dns" > "$out/etc/nsswitch.conf"
echo "base: $(du -sh "$out" | cut -f1) ($(echo "$libs" | wc -w) shared libraries) in $out"
