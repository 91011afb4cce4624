# shellcheck shell=bash
# Shared by the VM tier's scenarios; run-scenario.sh puts it in the share beside scenario.sh.

# write_unbound_test_zone DIR SERVER4 RESOLVER6 PREFIX: writes DIR/auth.conf, an Unbound serving the test zone
# (srv.test. A SERVER4, A records only) on SERVER4, and DIR/dns64.conf, a DNS64 resolver on RESOLVER6 that
# synthesizes inside PREFIX and forwards test. to the first. Start each with `unbound -c FILE` in its namespace;
# their PID files are DIR/auth.pid and DIR/dns64.pid.
write_unbound_test_zone() {
    local dir=$1 server4=$2 resolver6=$3 prefix=$4
    cat > "$dir/auth.conf" <<CONF
server:
    interface: $server4
    port: 53
    username: ""
    chroot: ""
    pidfile: "$dir/auth.pid"
    directory: "$dir"
    use-syslog: no
    do-ip6: no
    access-control: 0.0.0.0/0 allow
    module-config: "iterator"
    local-zone: "test." static
    local-data: "test. 300 IN SOA ns.test. hostmaster.test. 1 3600 600 86400 300"
    local-data: "srv.test. 300 IN A $server4"
remote-control:
    control-enable: no
CONF
    cat > "$dir/dns64.conf" <<CONF
server:
    interface: $resolver6
    port: 53
    username: ""
    chroot: ""
    pidfile: "$dir/dns64.pid"
    directory: "$dir"
    use-syslog: no
    access-control: 2001:db8:d78:500::/56 allow
    module-config: "dns64 iterator"
    dns64-prefix: $prefix
    local-zone: "test." nodefault
    domain-insecure: "test."
    do-not-query-localhost: no
forward-zone:
    name: "test."
    forward-addr: $server4
remote-control:
    control-enable: no
CONF
}

# Jool's kernel module, as the kernel lists it. Nothing in the guest loads it but border (no scenario runs modprobe
# jool: border must do it on a gateway): a scenario that drives jool itself runs in a group after one in which
# border loaded it, e.g. `run-scenario.sh jool-border,jool-smoke`.
jool_module_loaded() { [[ -e /sys/module/jool ]] && grep -qE '^jool ' /proc/modules; }
jool_module_absent() { [[ ! -e /sys/module/jool && ! -e /sys/module/jool_common ]] && ! grep -qE '^jool(_common)? ' /proc/modules; }
