package terraform

import "testing"

func TestEvAttrsGet(t *testing.T) {
	m := map[string]*evAttr{}
	for _, n := range []string{"policy", "bucket", "acl", "tags", "arn", "zone"} {
		m[n] = &evAttr{name: n}
	}
	as := sortedEvAttrs(m)
	for i := 1; i < len(as); i++ {
		if as[i-1].name >= as[i].name {
			t.Fatalf("not sorted: %q before %q", as[i-1].name, as[i].name)
		}
	}
	for _, tc := range []struct {
		name string
		want bool
	}{
		{"acl", true}, {"zone", true}, {"policy", true}, {"arn", true},
		{"", false}, {"a", false}, {"b", false}, {"zzz", false}, {"polic", false},
	} {
		got := as.get(tc.name)
		if (got != nil) != tc.want || (got != nil && got.name != tc.name) {
			t.Errorf("get(%q) = %v, want found=%v", tc.name, got, tc.want)
		}
	}
	if evAttrs(nil).get("x") != nil {
		t.Error("get on no attributes found one")
	}
}
