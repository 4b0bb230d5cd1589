package template

import "testing"

func TestCidr(t *testing.T) {
	runExprCases(t, []exprCase{
		{name: "ipv4", expr: `!Cidr ["10.0.0.0/16", 3, 8]`, want: "[10.0.0.0/24, 10.0.1.0/24, 10.0.2.0/24]"},
		{name: "ipv4 string args", expr: `!Cidr ["192.168.0.0/24", "2", "6"]`, want: "[192.168.0.0/26, 192.168.0.64/26]"},
		{name: "ipv6", expr: `!Cidr ["2001:db8::/56", 2, 64]`, want: "[2001:db8::/64, 2001:db8:0:1::/64]"},
		{name: "select", expr: `!Select [1, !Cidr ["10.0.0.0/16", 2, 12]]`, want: "10.0.16.0/20"},
		{name: "unknown block", expr: `!Cidr [!Ref Unset, 2, 8]`, want: "${Fn::Cidr of ${parameter Unset}}"},
		{name: "too many", expr: `!Cidr ["10.0.0.0/24", 5, 7]`, err: "holds only 2 subnets"},
		{name: "bad block", expr: `!Cidr ["10.0.0/16", 1, 8]`, err: "not an IP block"},
		{name: "bad bits", expr: `!Cidr ["10.0.0.0/24", 1, 9]`, err: "cidrBits must be a number from 0 to 8"},
	})
}
