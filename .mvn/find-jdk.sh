# Sourced (POSIX sh) by ./dig-node and ./mvnw. Finds a JDK whose feature version is at least
# DIG_MIN_JAVA (default 25), looking at JAVA_HOME, then `java` on PATH, then /usr/lib/jvm/*, and
# exports it as JAVA_HOME. Returns 1, exporting nothing, when there is none.

DIG_MIN_JAVA=${DIG_MIN_JAVA:-25}

dig_java_feature() { # a JAVA_HOME-like directory -> its feature version on stdout, or nothing
  [ -x "$1/bin/java" ] && [ -x "$1/bin/javac" ] || return 0
  _dig_v=""
  if [ -f "$1/release" ]; then
    _dig_v=$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$1/release" | head -n 1)
  fi
  if [ -z "$_dig_v" ]; then
    _dig_v=$("$1/bin/java" -XshowSettings:properties -version 2>&1 \
      | sed -n 's/^ *java\.specification\.version = \([0-9]*\).*/\1/p' | head -n 1)
  fi
  printf '%s' "$_dig_v"
}

dig_try_jdk() { # a candidate directory -> 0 and exported JAVA_HOME when it qualifies
  [ -n "$1" ] && [ -d "$1" ] || return 1
  _dig_f=$(dig_java_feature "$1")
  [ -n "$_dig_f" ] && [ "$_dig_f" -ge "$DIG_MIN_JAVA" ] || return 1
  JAVA_HOME=$1
  DIG_JAVA_VERSION=$_dig_f
  export JAVA_HOME DIG_JAVA_VERSION
  return 0
}

dig_find_jdk() {
  # An explicit JAVA_HOME is respected when it qualifies.
  dig_try_jdk "${JAVA_HOME:-}" && return 0
  if command -v java >/dev/null 2>&1; then
    _dig_java=$(readlink -f "$(command -v java)")
    dig_try_jdk "${_dig_java%/bin/java}" && return 0
  fi
  _dig_noglob=""
  case $- in *f*) _dig_noglob=1; set +f ;; esac
  for _dig_c in /usr/lib/jvm/*; do
    if dig_try_jdk "$_dig_c"; then
      [ -z "$_dig_noglob" ] || set -f
      return 0
    fi
  done
  [ -z "$_dig_noglob" ] || set -f
  return 1
}
