# shellcheck shell=bash
# unit.sh: start a service the way its installed systemd unit says, where
# systemd is not PID 1 (the package test's throwaway root). Sourced by
# t/pkg/inside.sh.
#
#   unit_get FILE KEY            the value of KEY= (the last one), with no
#                                 line continuations; status 1 when absent
#   unit_all FILE KEY            every value of KEY=, one a line
#   unit_exec_words FILE KEY INSTANCE   ExecStart/ExecStartPre as words in the
#                                 array _unit_words: %i is INSTANCE, $VAR and
#                                 ${VAR} come from the unit's Environment=,
#                                 quotes as the shell reads them
#   unit_run_as FILE CMD...      run CMD as the unit's User/Group (setpriv:
#                                 no capabilities, no new privileges, the
#                                 user's groups), in its UMask, with only its
#                                 Environment= (and PATH)
#   unit_cmd_as FILE CMD...      that command line, in the array _unit_cmd
#   unit_start FILE LOG [CMD...] start the unit's ExecStart= (or CMD) that
#                                 way in the background, stdout and stderr
#                                 (the journal) to LOG, after making its
#                                 RuntimeDirectory= and LogsDirectory=;
#                                 prints the pid
#   unit_start_socket NAME INSTANCE LOG   start NAME@INSTANCE.service on the
#                                 socket of NAME@.socket: spawn-fcgi binds
#                                 ListenStream= (SocketMode, SocketUser,
#                                 SocketGroup), hands it over as fd 0 and
#                                 execs the service's ExecStart through
#                                 unit_run_as (StandardInput=socket); stderr
#                                 (the journal) goes to LOG; LogsDirectory= is
#                                 made as systemd makes it. Prints the pid.
#
# Not emulated (the test does not need them): ExecStartPre= of the units
# started with unit_start, prefixes (-@+!:) in Exec lines, specifiers other
# than %i, Environment= values spanning lines, EnvironmentFile=.
#
# What cannot be had without systemd: the sandboxing (ProtectSystem=,
# PrivateNetwork=, SystemCallFilter=, ...); systemd-analyze checks those.
UNIT_DIR=${UNIT_DIR:-/lib/systemd/system}

unit_all() {
	sed -n "s/^[[:space:]]*$2=//p" "$1"
}

unit_get() {
	local v
	v=$(unit_all "$1" "$2" | tail -n 1)
	[[ -n "$v" ]] || return 1
	printf '%s\n' "$v"
}

# _unit_env FILE: the Environment= assignments, one a line (values as the
# shell reads them: VAR=value or "VAR=value with blanks").
_unit_env() {
	local line
	while IFS= read -r line; do
		eval "printf '%s\n' $line"
	done < <(unit_all "$1" Environment)
}

unit_exec_words() {
	local file=$1 key=$2 inst=${3:-} line envs=()
	line=$(unit_get "$file" "$key") || { echo "unit: no $key= in $file" >&2; return 1; }
	line=${line//%i/$inst}
	case $line in
	[-@+!:]*) echo "unit: $key= prefixes are not emulated: $line" >&2; return 1 ;;
	esac
	mapfile -t envs < <(_unit_env "$file")
	# the expansion happens in a shell holding only the unit's environment
	mapfile -t _unit_words < <(env -i "${envs[@]}" bash -c 'eval "set -- $1"; printf "%s\n" "$@"' \
		unit "$line")
	(( ${#_unit_words[@]} )) || return 1
}

# unit_cmd_as FILE CMD...: the command line of unit_run_as in _unit_cmd.
unit_cmd_as() {
	local file=$1 user group umask envs=() ids=()
	shift
	user=$(unit_get "$file" User) || user=root
	group=$(unit_get "$file" Group) || group=$(id -gn "$user")
	umask=$(unit_get "$file" UMask) || umask=0022
	mapfile -t envs < <(_unit_env "$file")
	if [[ "$user" != root ]]; then
		ids=(--reuid="$user" --regid="$group" --init-groups)
	fi
	_unit_cmd=(setpriv "${ids[@]}" --no-new-privs --inh-caps=-all --bounding-set=-all --
		env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin "${envs[@]}"
		/bin/sh -c 'umask "$1"; shift; exec "$@"' unit "$umask" "$@")
}

unit_run_as() {
	unit_cmd_as "$@" && "${_unit_cmd[@]}"
}

# _unit_dirs FILE: RuntimeDirectory= and LogsDirectory= as systemd makes
# them before the start (owned by User/Group, their *Mode).
_unit_dirs() {
	local file=$1 user group d mode
	user=$(unit_get "$file" User) || user=root
	group=$(unit_get "$file" Group) || group=$(id -gn "$user")
	if d=$(unit_get "$file" RuntimeDirectory); then
		mode=$(unit_get "$file" RuntimeDirectoryMode) || mode=0755
		mkdir -p "/run/$d" && chown "$user:$group" "/run/$d" && chmod "$mode" "/run/$d" || return 1
	fi
	if d=$(unit_get "$file" LogsDirectory); then
		mode=$(unit_get "$file" LogsDirectoryMode) || mode=0755
		mkdir -p "/var/log/$d" && chown "$user:$group" "/var/log/$d" &&
			chmod "$mode" "/var/log/$d" || return 1
	fi
}

unit_start() {
	local file=$1 log=$2
	shift 2
	_unit_dirs "$file" || return 1
	if (( $# )); then
		_unit_words=("$@")
	else
		unit_exec_words "$file" ExecStart || return 1
	fi
	unit_cmd_as "$file" "${_unit_words[@]}" || return 1
	"${_unit_cmd[@]}" </dev/null >>"$log" 2>&1 &
	printf '%s\n' "$!"
}

unit_start_socket() {
	local name=$1 inst=$2 log=$3 svc sock listen mode suser sgroup dmode owner
	svc=$UNIT_DIR/$name@.service
	sock=$UNIT_DIR/$name@.socket
	listen=$(unit_get "$sock" ListenStream) || return 1
	listen=${listen//%i/$inst}
	mode=$(unit_get "$sock" SocketMode) || mode=0666
	suser=$(unit_get "$sock" SocketUser) || suser=root
	sgroup=$(unit_get "$sock" SocketGroup) || sgroup=root
	dmode=$(unit_get "$sock" DirectoryMode) || dmode=0755
	if [[ "$(unit_get "$svc" StandardInput)" != socket ]]; then
		echo "unit: $svc has no StandardInput=socket" >&2
		return 1
	fi
	if [[ ! -d "$(dirname "$listen")" ]]; then
		mkdir -p "$(dirname "$listen")" && chmod "$dmode" "$(dirname "$listen")" || return 1
	fi
	_unit_dirs "$svc" || return 1
	unit_exec_words "$svc" ExecStart "$inst" || return 1
	# spawn-fcgi -n: bind, chown/chmod the socket, make it fd 0 and exec,
	# so the pid stays that of the pool's multiwatch
	# (spawn-fcgi refuses -U root: root owns the socket without it)
	owner=()
	[[ "$suser" == root ]] || owner+=(-U "$suser")
	[[ "$sgroup" == root ]] || owner+=(-G "$sgroup")
	spawn-fcgi -n -s "$listen" -M "$mode" "${owner[@]}" -- \
		/bin/bash -c '. "$1"; shift; unit_cmd_as "$@" && exec "${_unit_cmd[@]}"' unit \
		"${BASH_SOURCE[0]}" "$svc" "${_unit_words[@]}" </dev/null >>"$log" 2>&1 &
	printf '%s\n' "$!"
}
