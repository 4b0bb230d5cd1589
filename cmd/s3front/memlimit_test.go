package main

import "testing"

func TestMemoryLimit(t *testing.T) {
	for _, tc := range []struct {
		name string
		env  map[string]string
		want int64
		set  bool
	}{
		{"default", nil, 768 << 20, true},
		{"GOMEMLIMIT wins", map[string]string{"GOMEMLIMIT": "2GiB"}, 0, false},
		{"GOMEMLIMIT off wins", map[string]string{"GOMEMLIMIT": "off"}, 0, false},
		{"small Lambda", map[string]string{"AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "512"}, 512 << 20 / 10 * 8, true},
		{"large Lambda", map[string]string{"AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "3008"}, 768 << 20, true},
		{"bad Lambda size", map[string]string{"AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "lots"}, 768 << 20, true},
		{"zero Lambda size", map[string]string{"AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "0"}, 768 << 20, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, set := memoryLimit(func(k string) string { return tc.env[k] })
			if got != tc.want || set != tc.set {
				t.Errorf("memoryLimit = %d, %v; want %d, %v", got, set, tc.want, tc.set)
			}
		})
	}
}
