package site

import (
	"strings"
	"testing"
)

func TestStaticAssets(t *testing.T) {
	js := assets["echarts.min.js"]
	if js == nil || len(js.body) < 500_000 || js.gzipped == nil || len(js.gzipped) > len(js.body)/2 {
		t.Fatalf("echarts.min.js embedded and compressed: %+v", js != nil)
	}
	if u := StaticURL("style.css"); !strings.HasPrefix(u, "/static/style.css?v=") {
		t.Errorf("StaticURL: %s", u)
	}
}
