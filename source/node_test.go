package source

import (
	"encoding/json"
	"testing"
)

func TestJSON(t *testing.T) {
	in := `{"a": [1, true, null, "x\"y\\z\n\u0001é<>"], "b": {"c": -2.5e3}, "a": "dup"}`
	n, err := ParseJSON("t.json", []byte(in))
	if err != nil {
		t.Fatal(err)
	}
	got := n.JSON()
	want := `{"a":[1,true,null,"x\"y\\z\n\u0001é<>"],"b":{"c":-2.5e3},"a":"dup"}`
	if got != want {
		t.Errorf("JSON() = %s, want %s", got, want)
	}
	var v any
	if err := json.Unmarshal([]byte(got), &v); err != nil {
		t.Errorf("not valid JSON: %v", err)
	}
	if q := Quote("tab\there"); q != `"tab\there"` {
		t.Errorf("Quote = %s", q)
	}
}

func FuzzJSONRoundTrip(f *testing.F) {
	f.Add([]byte(`{"Statement": [{"Effect": "Allow", "Action": ["s3:*"]}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		n, err := ParseJSON("f.json", data)
		if err != nil {
			return
		}
		m, err := ParseJSON("g.json", []byte(n.JSON()))
		if err != nil {
			t.Fatalf("re-parse of %s: %v", n.JSON(), err)
		}
		if m.JSON() != n.JSON() {
			t.Fatalf("round trip changed %s to %s", n.JSON(), m.JSON())
		}
	})
}
