package main

import (
	"slices"
	"strings"
	"testing"
)

// TestTrustedProxiesFlag: --trusted-proxies takes addresses and CIDR
// networks separated by commas, from the command line or its environment
// variable; anything else is a usage error; without it no proxy is trusted.
func TestTrustedProxiesFlag(t *testing.T) {
	define := func() (*cmdFlags, *proxyList) {
		fs := newFlags(&env{stdout: &strings.Builder{}, stderr: &strings.Builder{}}, "test", "")
		return fs, fs.trustedProxiesFlag()
	}
	fs, p := define()
	if _, ok := fs.parse(nil); !ok || len(*p) != 0 {
		t.Errorf("no flag: %v, want none trusted", *p)
	}
	fs, p = define()
	if _, ok := fs.parse([]string{"--trusted-proxies", " 10.0.0.0/8, 127.0.0.1,,::1 ,2001:db8::/32"}); !ok ||
		!slices.Equal(*p, []string{"10.0.0.0/8", "127.0.0.1", "::1", "2001:db8::/32"}) {
		t.Errorf("a list: %v", *p)
	}
	t.Setenv("KLIMATRAPPORT_TRUSTED_PROXIES", "192.0.2.10")
	fs, p = define()
	if _, ok := fs.parse(nil); !ok || !slices.Equal(*p, []string{"192.0.2.10"}) {
		t.Errorf("from the environment: %v", *p)
	}
	for _, bad := range []string{"proxy.example", "10.0.0.0/33", "fe80::1%eth0", "127.0.0.1:8080", "*"} {
		fs, _ = define()
		if code, ok := fs.parse([]string{"--trusted-proxies=" + bad}); ok || code != exitUsage {
			t.Errorf("--trusted-proxies=%s: exit %d, want a usage error", bad, code)
		}
	}
}
