# guest-drivers-lib.sh: sourced in the guest (not a scenario): using the real drivers that a
# scenario loads (corpus.sh, locks-contention.sh): what appeared since snap, and use_driver.
warnings() { dmesg | grep -cE 'WARNING:|BUG:|Oops|general protection'; }

# What appeared since snap: network interfaces, block devices.
# (busybox grep -v -f with an empty pattern file prints nothing: each list has a line.)
snap() {
	{ echo /; ls /sys/class/net; } >/tmp/net.before
	{ echo /; ls /sys/block; } >/tmp/blk.before
	{ echo /; ls /sys/class/scsi_host; } >/tmp/host.before
}
new_entries() { ls "$1" | grep -vxF -f "$2"; }
have_new() { [ -n "$(new_entries "$1" "$2")" ]; }

# use_driver KIND: a little of what the driver is for.
use_driver() {
	case $1 in
	net)
		wait_for 10 have_new /sys/class/net /tmp/net.before || return 1
		for i in $(new_entries /sys/class/net /tmp/net.before); do
			ip link set "$i" up || return 1
			sleep 1
			ip link set "$i" down || return 1
		done ;;
	blk)
		wait_for 20 have_new /sys/block /tmp/blk.before || return 1
		for b in $(new_entries /sys/block /tmp/blk.before); do
			dd if="/dev/$b" of=/dev/null bs=4096 count=64 2>/dev/null || return 1
		done ;;
	host)
		wait_for 10 have_new /sys/class/scsi_host /tmp/host.before || return 1
		for h in $(new_entries /sys/class/scsi_host /tmp/host.before); do
			echo "- - -" >"/sys/class/scsi_host/$h/scan" || return 1
		done ;;
	wdt)
		# Opening starts the watchdog; the magic 'V' lets the close stop it.
		wait_for 5 test -c /dev/watchdog0 || return 1
		printf V >/dev/watchdog0 ;;
	snd)
		wait_for 10 grep -q '^ *[0-9]' /proc/asound/cards ;;
	none) ;;
	esac
}
