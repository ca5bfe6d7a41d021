#!/usr/bin/env bash
# Real third-party servers for the integration suite (detect/integration):
# Dovecot (IMAP, POP3), Postfix (SMTP on 25, 587, 465, 2525) and NSD (an
# authoritative DNS server for the test zones), all on loopback addresses
# only, with certificates from a test CA made here.
#
#   .ci/realservers.sh install   apt-get the servers (root on Debian/Ubuntu)
#   .ci/realservers.sh start     install, write configs, start; idempotent
#   .ci/realservers.sh stop      stop what start started (by pid files)
#   .ci/realservers.sh status    say what is running
#
# Everything lives in $POSTINO_REALSERVERS_DIR (default
# /var/lib/postino-realservers); the system configs of Dovecot, Postfix and
# NSD are never read or touched, and nothing listens outside 127.0.0.0/8.
# The integration tests read $DIR/env to find the servers.
#
# Addresses (one per host name; 127.0.0.53/54 are left to systemd-resolved):
#   127.77.0.2   ns.postino.test            NSD, port 53 (UDP and TCP)
#   127.77.0.10  mail.postino.test (MX)     Dovecot 143 993 110 995, Postfix 25 587 465 2525
#   127.77.0.11  imap.postino.test          Dovecot 143 993
#   127.77.0.12  pop.postino.test           Dovecot 110 995
#   127.77.0.13  smtp.postino.test          Postfix 25 587 465 2525
#   127.77.0.14  imap.wrongname.test        nothing (a refused port)
#   127.77.0.20  autoconfig.roundtrip.test  nothing: the tests serve HTTPS there
#   mail.wrongname.test = 127.77.0.10, a name the certificate does not cover
set -euo pipefail

DIR=${POSTINO_REALSERVERS_DIR:-/var/lib/postino-realservers}
DOMAIN=postino.test
RT_DOMAIN=roundtrip.test
WRONG_DOMAIN=wrongname.test
MANY_DOMAIN=manysrv.test
NS_IP=127.77.0.2
MAIL_IP=127.77.0.10
IMAP_IP=127.77.0.11
POP_IP=127.77.0.12
SMTP_IP=127.77.0.13
AUTOCONFIG_IP=127.77.0.20
CLOSED_IP=127.77.0.14
TEST_USER=alice
# A test password for a test user on loopback servers; the credential-safety
# tests use it as the sentinel that must never be printed.
TEST_PASSWORD=Postino-Sentinel-7q2Kx9
PKGS="dovecot-imapd dovecot-pop3d postfix nsd openssl"

say() { printf 'realservers: %s\n' "$*"; }
die() { printf 'realservers: %s\n' "$*" >&2; exit 1; }

can_run() {
	[ "$(id -u)" = 0 ] || { echo "not root"; return 1; }
	command -v apt-get >/dev/null 2>&1 && command -v dpkg >/dev/null 2>&1 || { echo "not Debian/Ubuntu (no apt-get)"; return 1; }
	return 0
}

# install apt-gets what is missing. Package scripts must not start the
# system services (they would listen on every address with the system
# configs), so a policy-rc.d refusing every start is in place for the
# install and removed afterwards if we created it.
install() {
	local missing="" p
	for p in $PKGS; do dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"; done
	[ -z "$missing" ] && { say "packages already installed"; return 0; }
	say "installing$missing"
	local policy=/usr/sbin/policy-rc.d created=""
	if [ ! -e "$policy" ]; then
		printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod 755 "$policy" && created=1
	fi
	echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections
	local rc=0
	# Another apt run (another engineer, unattended-upgrades) may hold the
	# lock: wait for it rather than fail.
	{ apt-get -o DPkg::Lock::Timeout=600 update -qq &&
		DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq \
			--no-install-recommends $missing; } >"${TMPDIR:-/tmp}/postino-realservers-apt.log" 2>&1 || rc=$?
	[ -n "$created" ] && rm -f "$policy"
	[ $rc = 0 ] || { tail -20 "${TMPDIR:-/tmp}/postino-realservers-apt.log" >&2; die "apt-get failed (exit $rc)"; }
	# On machines with systemd the packages' units may have been enabled
	# and started anyway; the tests need those ports free.
	if command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ]; then
		systemctl stop dovecot postfix nsd >/dev/null 2>&1 || true
	fi
}

# certs makes a test CA and one server certificate for every test host
# name, valid for 90 days; they are remade when missing or expiring soon.
certs() {
	mkdir -p "$DIR/tls"
	if [ -s "$DIR/tls/server.pem" ] && openssl x509 -checkend 604800 -noout -in "$DIR/tls/server.pem" >/dev/null 2>&1; then
		return 0
	fi
	say "making a test CA and server certificate"
	(
		cd "$DIR/tls"
		umask 077
		openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 90 \
			-subj "/CN=Postino Test CA" -keyout ca.key -out ca.pem \
			-addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
		openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
			-subj "/CN=mail.$DOMAIN" -keyout server.key -out server.csr 2>/dev/null
		printf '%s\n' "basicConstraints=CA:FALSE" "keyUsage=critical,digitalSignature" "extendedKeyUsage=serverAuth" \
			"subjectAltName=DNS:mail.$DOMAIN,DNS:imap.$DOMAIN,DNS:pop.$DOMAIN,DNS:smtp.$DOMAIN,DNS:$DOMAIN,DNS:autoconfig.$RT_DOMAIN" >server.ext
		openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 89 \
			-extfile server.ext -out server.pem 2>/dev/null
		rm -f server.csr server.ext ca.srl
		chmod 644 ca.pem server.pem
		# Dovecot reads the key as root before dropping privileges; Postfix
		# reads it as root too. Nobody else needs it.
		chmod 600 server.key ca.key
	)
}

zones() {
	mkdir -p "$DIR/nsd"
	cat >"$DIR/nsd/$DOMAIN.zone" <<EOF
\$ORIGIN $DOMAIN.
\$TTL 300
@            SOA  ns.$DOMAIN. hostmaster.$DOMAIN. 1 3600 600 86400 300
@            NS   ns
@            MX   10 mail
@            TXT  "v=spf1 mx -all"
_dmarc       TXT  "v=DMARC1; p=none"
ns           A    $NS_IP
mail         A    $MAIL_IP
imap         A    $IMAP_IP
pop          A    $POP_IP
smtp         A    $SMTP_IP
; RFC 6186 / RFC 8314 service records
_imaps._tcp        SRV 0 1 993 imap
_imap._tcp         SRV 10 1 143 imap
_pop3s._tcp        SRV 20 1 995 pop
_pop3._tcp         SRV 30 1 110 pop
_submissions._tcp  SRV 0 1 465 smtp
_submission._tcp   SRV 10 1 587 smtp
EOF
	# roundtrip.test has only an autoconfig host: whatever detect finds for
	# it came from the autoconfig file the tests serve there.
	cat >"$DIR/nsd/$RT_DOMAIN.zone" <<EOF
\$ORIGIN $RT_DOMAIN.
\$TTL 300
@            SOA  ns.$DOMAIN. hostmaster.$DOMAIN. 1 3600 600 86400 300
@            NS   ns.$DOMAIN.
autoconfig   A    $AUTOCONFIG_IP
EOF
	# wrongname.test points at the same servers under a name their
	# certificate does not cover, and has an IMAP host where nothing
	# listens: the verdicts for a mismatched certificate and a refused port.
	cat >"$DIR/nsd/$WRONG_DOMAIN.zone" <<EOF
\$ORIGIN $WRONG_DOMAIN.
\$TTL 300
@            SOA  ns.$DOMAIN. hostmaster.$DOMAIN. 1 3600 600 86400 300
@            NS   ns.$DOMAIN.
@            MX   10 mail
mail         A    $MAIL_IP
imap         A    $CLOSED_IP
EOF
	# manysrv.test is a hostile but valid zone: 60 SRV records for
	# _imaps with ~200-byte targets (too big for one 4096-byte UDP answer,
	# so NSD truncates and the client must retry over TCP), listed with
	# the best priorities last; and 300 SRV records for _pop3s (hundreds
	# of records; Postino reads at most 64 of one answer).
	{
		cat <<EOF
\$ORIGIN $MANY_DOMAIN.
\$TTL 300
@            SOA  ns.$DOMAIN. hostmaster.$DOMAIN. 1 3600 600 86400 300
@            NS   ns.$DOMAIN.
EOF
		local i pad
		pad=$(printf 'x%.0s' $(seq 1 60))
		for i in $(seq 59 -1 0); do
			printf '_imaps._tcp SRV %d 1 993 imap%d.%s.%s.%s\n' "$i" "$i" "$pad" "$pad" "$pad"
		done
		for i in $(seq 299 -1 0); do
			printf '_pop3s._tcp SRV %d 1 995 pop%d\n' "$i" "$i"
		done
	} >"$DIR/nsd/$MANY_DOMAIN.zone"
	cat >"$DIR/nsd/nsd.conf" <<EOF
server:
	ip-address: $NS_IP
	port: 53
	do-ip6: no
	username: ""
	chroot: ""
	zonesdir: "$DIR/nsd"
	database: ""
	zonelistfile: "$DIR/nsd/zone.list"
	xfrdfile: "$DIR/nsd/xfrd.state"
	xfrdir: "$DIR/nsd"
	pidfile: "$DIR/run/nsd.pid"
	logfile: "$DIR/log/nsd.log"
	server-count: 1
	verbosity: 1
remote-control:
	control-enable: no
zone:
	name: "$DOMAIN"
	zonefile: "$DOMAIN.zone"
zone:
	name: "$RT_DOMAIN"
	zonefile: "$RT_DOMAIN.zone"
zone:
	name: "$WRONG_DOMAIN"
	zonefile: "$WRONG_DOMAIN.zone"
zone:
	name: "$MANY_DOMAIN"
	zonefile: "$MANY_DOMAIN.zone"
EOF
}

postfix_conf() {
	local pc="$DIR/postfix"
	mkdir -p "$pc" "$DIR/spool" "$DIR/postfix-data"
	chown postfix:postfix "$DIR/postfix-data"
	printf '%s\n' "$TEST_USER@$DOMAIN $DOMAIN/$TEST_USER/Maildir/" >"$pc/vmailbox"
	cat >"$pc/main.cf" <<EOF
# Private Postfix instance for Postino's integration tests (.ci/realservers.sh).
compatibility_level = 3.6
config_directory = $pc
queue_directory = $DIR/spool
data_directory = $DIR/postfix-data
meta_directory = /etc/postfix
mail_owner = postfix
setgid_group = postdrop
myhostname = mail.$DOMAIN
mydomain = $DOMAIN
myorigin = $DOMAIN
mydestination =
mynetworks = 127.0.0.0/8
inet_interfaces = loopback-only
inet_protocols = ipv4
relayhost =
default_transport = error:outside the test network
maillog_file = $DIR/log/postfix.log
biff = no
# Deliver the test domain to the Maildir that Dovecot serves.
virtual_mailbox_domains = $DOMAIN
virtual_mailbox_base = $DIR/mail
virtual_mailbox_maps = texthash:$pc/vmailbox
virtual_uid_maps = static:8
virtual_gid_maps = static:8
# uid 8 is Debian's "mail" user, below Postfix's default minimum of 100.
virtual_minimum_uid = 8
# TLS everywhere it can be; AUTH only after TLS (RFC 4954 section 4 advice).
smtpd_tls_cert_file = $DIR/tls/server.pem
smtpd_tls_key_file = $DIR/tls/server.key
smtpd_tls_security_level = may
smtpd_tls_auth_only = yes
smtpd_tls_protocols = >=TLSv1.2
smtpd_sasl_type = dovecot
smtpd_sasl_path = private/auth
smtpd_sasl_auth_enable = yes
smtpd_relay_restrictions = permit_sasl_authenticated, reject_unauth_destination
smtpd_banner = \$myhostname ESMTP Postfix (Postino test)
EOF
	# chroot is off ("n") so the services need no copy of /etc in the spool.
	# Listeners name their address: inet_interfaces only accepts addresses
	# configured on an interface, and 127.77.0.x are not (the kernel routes
	# all of 127.0.0.0/8 to lo without listing them).
	{
		echo "# service     type  private unpriv chroot wakeup maxproc command"
		local ip
		for ip in $MAIL_IP $SMTP_IP; do
			cat <<EOF
$ip:25   inet n - n - - smtpd
$ip:587  inet n - n - - smtpd
  -o smtpd_tls_security_level=encrypt
  -o smtpd_client_restrictions=permit_sasl_authenticated,reject
$ip:2525 inet n - n - - smtpd
  -o smtpd_tls_security_level=encrypt
  -o smtpd_client_restrictions=permit_sasl_authenticated,reject
$ip:465  inet n - n - - smtpd
  -o smtpd_tls_wrappermode=yes
  -o smtpd_client_restrictions=permit_sasl_authenticated,reject
EOF
		done
		cat <<'EOF'
pickup        unix  n       -      n      60     1       pickup
cleanup       unix  n       -      n      -      0       cleanup
qmgr          unix  n       -      n      300    1       qmgr
tlsmgr        unix  -       -      n      1000?  1       tlsmgr
rewrite       unix  -       -      n      -      -       trivial-rewrite
bounce        unix  -       -      n      -      0       bounce
defer         unix  -       -      n      -      0       bounce
trace         unix  -       -      n      -      0       bounce
verify        unix  -       -      n      -      1       verify
flush         unix  n       -      n      1000?  0       flush
proxymap      unix  -       -      n      -      -       proxymap
proxywrite    unix  -       -      n      -      1       proxymap
smtp          unix  -       -      n      -      -       smtp
relay         unix  -       -      n      -      -       smtp
showq         unix  n       -      n      -      -       showq
error         unix  -       -      n      -      -       error
retry         unix  -       -      n      -      -       error
discard       unix  -       -      n      -      -       discard
local         unix  -       n      n      -      -       local
virtual       unix  -       n      n      -      -       virtual
lmtp          unix  -       -      n      -      -       lmtp
anvil         unix  -       -      n      -      1       anvil
scache        unix  -       -      n      -      1       scache
postlog       unix-dgram n  -      n      -      1       postlogd
EOF
	} >"$pc/master.cf"
}

dovecot_conf() {
	local dc="$DIR/dovecot"
	mkdir -p "$dc" "$DIR/mail" "$DIR/run/dovecot" "$DIR/dovecot-state"
	chown 8:8 "$DIR/mail"
	local hash
	hash=$(openssl passwd -6 "$TEST_PASSWORD")
	printf '%s\n' "$TEST_USER@$DOMAIN:$hash" >"$dc/users"
	chmod 640 "$dc/users"
	chgrp dovecot "$dc/users"
	cat >"$dc/dovecot.conf" <<EOF
# Private Dovecot instance for Postino's integration tests (.ci/realservers.sh).
protocols = imap pop3
listen = $MAIL_IP
base_dir = $DIR/run/dovecot
state_dir = $DIR/dovecot-state
instance_name = postino-dovecot
log_path = $DIR/log/dovecot.log
ssl = yes
ssl_cert = <$DIR/tls/server.pem
ssl_key = <$DIR/tls/server.key
ssl_min_protocol = TLSv1.2
# No password before TLS (RFC 3501 section 6.2.3 LOGINDISABLED, RFC 2595).
disable_plaintext_auth = yes
auth_mechanisms = plain login
# Log every authentication attempt with its user name (never the
# password): the tests read the log to prove what Postino did not send.
auth_verbose = yes
mail_location = maildir:$DIR/mail/%d/%n/Maildir
first_valid_uid = 8
first_valid_gid = 8
passdb {
  driver = passwd-file
  args = scheme=SHA512-CRYPT username_format=%u $dc/users
}
userdb {
  driver = static
  args = uid=8 gid=8 home=$DIR/mail/%d/%n
}
service imap-login {
  inet_listener imap {
    address = $MAIL_IP, $IMAP_IP
    port = 143
  }
  inet_listener imaps {
    address = $MAIL_IP, $IMAP_IP
    port = 993
    ssl = yes
  }
}
service pop3-login {
  inet_listener pop3 {
    address = $MAIL_IP, $POP_IP
    port = 110
  }
  inet_listener pop3s {
    address = $MAIL_IP, $POP_IP
    port = 995
    ssl = yes
  }
}
service auth {
  # Postfix asks Dovecot to check SMTP AUTH passwords through this socket.
  unix_listener $DIR/spool/private/auth {
    mode = 0660
    user = postfix
    group = postfix
  }
}
# Dovecot slows down every login from an address after failed ones (up
# to 15 s); the suite fails logins on purpose from 127.0.0.1, so the
# penalty is off (Dovecot's documented switch).
service anvil {
  unix_listener anvil-auth-penalty {
    mode = 0
  }
}
# IMAP and POP3 sessions run as the mail user and report to the stats
# service; without this every login logs "Permission denied".
service stats {
  unix_listener stats-writer {
    mode = 0666
  }
}
EOF
}

write_env() {
	cat >"$DIR/env" <<EOF
POSTINO_DNS=$NS_IP:53
SSL_CERT_FILE=$DIR/tls/ca.pem
REALSERVERS_DIR=$DIR
REALSERVERS_DOMAIN=$DOMAIN
REALSERVERS_ROUNDTRIP_DOMAIN=$RT_DOMAIN
REALSERVERS_WRONGNAME_DOMAIN=$WRONG_DOMAIN
REALSERVERS_MANYSRV_DOMAIN=$MANY_DOMAIN
REALSERVERS_CLOSED_IP=$CLOSED_IP
REALSERVERS_USER=$TEST_USER@$DOMAIN
REALSERVERS_PASSWORD=$TEST_PASSWORD
REALSERVERS_MAIL_IP=$MAIL_IP
REALSERVERS_IMAP_IP=$IMAP_IP
REALSERVERS_POP_IP=$POP_IP
REALSERVERS_SMTP_IP=$SMTP_IP
REALSERVERS_AUTOCONFIG_IP=$AUTOCONFIG_IP
REALSERVERS_CERT=$DIR/tls/server.pem
REALSERVERS_KEY=$DIR/tls/server.key
EOF
}

# alive reports whether the pid in file $1 runs. A zombie (possible in
# containers whose init does not reap) counts as gone: it holds no port.
alive() {
	[ -s "$1" ] || return 1
	local pid state
	pid=$(tr -d ' \n' <"$1")
	state=$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null) || return 1
	[ -n "$state" ] && [ "$state" != Z ]
}

# stop_pid sends TERM to the pid in file $1 and waits (bounded) for it.
stop_pid() {
	kill "$(tr -d ' \n' <"$1")" 2>/dev/null || true
	local i
	for i in $(seq 1 50); do alive "$1" || return 0; sleep 0.1; done
}

# wait_port waits until something accepts TCP on ip:port (bash /dev/tcp).
wait_port() {
	local i
	for i in $(seq 1 100); do
		(exec 3<>"/dev/tcp/$1/$2") 2>/dev/null && return 0
		sleep 0.1
	done
	return 1
}

start() {
	local why
	why=$(can_run) || { say "skipped: $why"; return 0; }
	local t0=$SECONDS
	install
	# The configuration below is Dovecot 2.3's (Debian 12, Ubuntu 22.04 and
	# 24.04); 2.4 renamed most settings. Skip (the tests then say the
	# servers are not started) rather than fail obscurely.
	case "$(dovecot --version 2>/dev/null)" in
	2.3.*) ;;
	*)
		say "skipped: Dovecot $(dovecot --version 2>/dev/null) is not 2.3, whose configuration this script writes"
		return 0
		;;
	esac
	mkdir -p "$DIR/run" "$DIR/log"
	certs
	zones
	postfix_conf
	dovecot_conf
	# NSD re-reads zones on HUP but not its list of zones: restart it
	# (a fraction of a second) so a changed configuration always applies.
	if alive "$DIR/run/nsd.pid"; then
		say "nsd already running; restarting it"
		stop_pid "$DIR/run/nsd.pid"
	fi
	say "starting nsd on $NS_IP:53"
	nsd-checkconf "$DIR/nsd/nsd.conf"
	# The old server's children may hold port 53 for a moment after its
	# pid is gone: retry briefly rather than fail.
	local try
	for try in $(seq 1 30); do
		nsd -c "$DIR/nsd/nsd.conf" </dev/null >>"$DIR/log/nsd-stderr.log" 2>&1 && break
		[ "$try" = 30 ] && die "nsd did not start; see $DIR/log/nsd.log"
		sleep 0.2
	done
	# Postfix first: it creates the spool directory where Dovecot puts its
	# auth socket.
	if alive "$DIR/spool/pid/master.pid"; then
		say "postfix already running; reloading its configuration"
		postfix -c "$DIR/postfix" reload >/dev/null 2>&1 || true
	else
		say "starting postfix on $MAIL_IP and $SMTP_IP (25 587 465 2525)"
		# Postfix prints its reasons only to a terminal (and to its log
		# daemon, which is not up yet): give it one through script(1).
		script -qec "postfix -c '$DIR/postfix' start" /dev/null >"$DIR/log/postfix-start.log" 2>&1 ||
			{ cat "$DIR/log/postfix-start.log" >&2; die "postfix did not start"; }
	fi
	if alive "$DIR/run/dovecot/master.pid"; then
		say "dovecot already running; reloading its configuration"
		doveadm -c "$DIR/dovecot/dovecot.conf" reload 2>/dev/null || true
	else
		say "starting dovecot on $MAIL_IP $IMAP_IP $POP_IP (143 993 110 995)"
		# Dovecot's master keeps stderr open: give it a file, or whoever
		# reads our output (make, CI) would wait for it forever.
		dovecot -c "$DIR/dovecot/dovecot.conf" </dev/null >>"$DIR/log/dovecot-stderr.log" 2>&1 || die "dovecot did not start; see $DIR/log/dovecot.log"
	fi
	write_env
	local p
	for p in "$NS_IP:53" "$MAIL_IP:143" "$MAIL_IP:993" "$POP_IP:110" "$POP_IP:995" \
		"$SMTP_IP:25" "$SMTP_IP:587" "$SMTP_IP:465" "$SMTP_IP:2525"; do
		wait_port "${p%:*}" "${p#*:}" || die "nothing listens on $p"
	done
	[ -S "$DIR/spool/private/auth" ] || die "dovecot's auth socket for postfix is missing"
	say "ready in $((SECONDS - t0)) s; environment in $DIR/env"
}

stop() {
	[ -d "$DIR" ] || return 0
	if alive "$DIR/run/dovecot/master.pid"; then
		say "stopping dovecot"
		dovecot -c "$DIR/dovecot/dovecot.conf" stop 2>/dev/null || kill "$(cat "$DIR/run/dovecot/master.pid")" 2>/dev/null || true
	fi
	if alive "$DIR/spool/pid/master.pid"; then
		say "stopping postfix"
		postfix -c "$DIR/postfix" stop >/dev/null 2>&1 || kill "$(cat "$DIR/spool/pid/master.pid")" 2>/dev/null || true
	fi
	if alive "$DIR/run/nsd.pid"; then
		say "stopping nsd"
		kill "$(cat "$DIR/run/nsd.pid")" 2>/dev/null || true
	fi
	# Wait (bounded) for every master process to be gone, so the next
	# start or another suite finds the ports free.
	local i f
	for i in $(seq 1 50); do
		local left=""
		for f in "$DIR/run/dovecot/master.pid" "$DIR/spool/pid/master.pid" "$DIR/run/nsd.pid"; do
			alive "$f" && left=1
		done
		[ -z "$left" ] && break
		sleep 0.1
	done
	rm -f "$DIR/env"
}

status() {
	local f name
	for name in nsd:"$DIR/run/nsd.pid" postfix:"$DIR/spool/pid/master.pid" dovecot:"$DIR/run/dovecot/master.pid"; do
		f=${name#*:}
		if alive "$f"; then say "${name%%:*} running (pid $(tr -d ' ' <"$f"))"; else say "${name%%:*} not running"; fi
	done
}

case "${1:-}" in
install) why=$(can_run) || die "cannot install: $why"; install ;;
start) start ;;
stop) stop ;;
status) status ;;
*) echo "usage: $0 install|start|stop|status" >&2; exit 2 ;;
esac
