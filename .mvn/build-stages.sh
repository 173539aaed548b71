# Sourced (bash) by ./dig-node. dig_build_stages TTY LOG: reads Maven's output on stdin, appends it
# to the file LOG, and shows one line per reactor module ("dig-node: building dig-core [2/10]") on
# stderr: rewritten in place when TTY is 1 (a terminal), one plain line each otherwise.
dig_build_stages() {
  local tty=$1 log=$2 line stage
  while IFS= read -r line; do
    printf '%s\n' "$line" >>"$log"
    case $line in
      *"[INFO] Building "*"["*/*"]"*)
        stage=${line#*Building }
        stage="dig-node: building ${stage%% *} ${stage##* }"
        if [ "$tty" = 1 ]; then printf '\r\033[K%s' "$stage" >&2; else printf '%s\n' "$stage" >&2; fi
        ;;
    esac
  done
  if [ "$tty" = 1 ]; then printf '\r\033[K' >&2; fi
  return 0
}
