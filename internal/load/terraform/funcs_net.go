package terraform

import (
	"fmt"
	"math/big"
	"net"

	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"
	"github.com/zclconf/go-cty/cty/gocty"
)

// Terraform's IP network functions. Addresses are computed as big
// integers, as Terraform does, so that even its unusual answers (a
// negative netnum to cidrsubnet) come out the same.

func parseCIDR(s string) (*net.IPNet, error) {
	_, n, err := net.ParseCIDR(s)
	if err != nil {
		return nil, fmt.Errorf("invalid CIDR expression: %s", err)
	}
	return n, nil
}

func ipInt(ip net.IP) *big.Int {
	if v4 := ip.To4(); v4 != nil && len(ip) == net.IPv4len {
		ip = v4
	}
	return new(big.Int).SetBytes(ip)
}

// intIP renders an address of bits bits; like Terraform, a negative
// number contributes its magnitude.
func intIP(n *big.Int, bits int) net.IP {
	b := n.Bytes()
	out := make(net.IP, bits/8)
	if len(b) > len(out) {
		b = b[len(b)-len(out):]
	}
	copy(out[len(out)-len(b):], b)
	return out
}

func networkBits(n *net.IPNet) (prefix, bits int) {
	return n.Mask.Size()
}

var cidrHostFunc = function.New(&function.Spec{
	Params: []function.Parameter{{Name: "prefix", Type: cty.String}, {Name: "hostnum", Type: cty.Number}},
	Type:   function.StaticReturnType(cty.String),
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		var hostNum *big.Int
		if err := gocty.FromCtyValue(args[1], &hostNum); err != nil {
			return cty.UnknownVal(cty.String), function.NewArgError(1, err)
		}
		n, err := parseCIDR(args[0].AsString())
		if err != nil {
			return cty.UnknownVal(cty.String), function.NewArgError(0, err)
		}
		prefix, bits := networkBits(n)
		hostLen := bits - prefix
		max := new(big.Int).Lsh(big.NewInt(1), uint(hostLen))
		max.Sub(max, big.NewInt(1))
		num := new(big.Int).Set(hostNum)
		if num.Sign() < 0 {
			num.Add(num, max)
			num.Add(num, big.NewInt(1))
			if num.Sign() < 0 {
				return cty.UnknownVal(cty.String), fmt.Errorf("prefix of %d does not accommodate a host numbered %s", prefix, hostNum)
			}
		}
		if num.Cmp(max) > 0 {
			return cty.UnknownVal(cty.String), fmt.Errorf("prefix of %d does not accommodate a host numbered %s", prefix, hostNum)
		}
		ip := new(big.Int).Or(ipInt(n.IP), num)
		return cty.StringVal(intIP(ip, bits).String()), nil
	},
})

var cidrNetmaskFunc = function.New(&function.Spec{
	Params: []function.Parameter{{Name: "prefix", Type: cty.String}},
	Type:   function.StaticReturnType(cty.String),
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		n, err := parseCIDR(args[0].AsString())
		if err != nil {
			return cty.UnknownVal(cty.String), function.NewArgError(0, err)
		}
		if n.IP.To4() == nil {
			return cty.UnknownVal(cty.String), fmt.Errorf("IPv6 addresses cannot have a netmask: %s", args[0].AsString())
		}
		return cty.StringVal(net.IP(n.Mask).String()), nil
	},
})

var cidrSubnetFunc = function.New(&function.Spec{
	Params: []function.Parameter{{Name: "prefix", Type: cty.String}, {Name: "newbits", Type: cty.Number}, {Name: "netnum", Type: cty.Number}},
	Type:   function.StaticReturnType(cty.String),
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		var newbits int
		if err := gocty.FromCtyValue(args[1], &newbits); err != nil {
			return cty.UnknownVal(cty.String), function.NewArgError(1, err)
		}
		var netnum *big.Int
		if err := gocty.FromCtyValue(args[2], &netnum); err != nil {
			return cty.UnknownVal(cty.String), function.NewArgError(2, err)
		}
		n, err := parseCIDR(args[0].AsString())
		if err != nil {
			return cty.UnknownVal(cty.String), function.NewArgError(0, err)
		}
		prefix, bits := networkBits(n)
		newPrefix := prefix + newbits
		if newPrefix > bits {
			return cty.UnknownVal(cty.String), fmt.Errorf("insufficient address space to extend prefix of %d by %d", prefix, newbits)
		}
		max := new(big.Int).Lsh(big.NewInt(1), uint(newbits))
		if netnum.Cmp(max) >= 0 {
			return cty.UnknownVal(cty.String), fmt.Errorf("prefix extension of %d does not accommodate a subnet numbered %s", newbits, netnum)
		}
		shifted := new(big.Int).Lsh(netnum, uint(bits-newPrefix))
		ip := new(big.Int).Or(ipInt(n.IP), shifted)
		out := &net.IPNet{IP: intIP(ip, bits), Mask: net.CIDRMask(newPrefix, bits)}
		return cty.StringVal(out.String()), nil
	},
})

var cidrSubnetsFunc = function.New(&function.Spec{
	Params:   []function.Parameter{{Name: "prefix", Type: cty.String}},
	VarParam: &function.Parameter{Name: "newbits", Type: cty.Number},
	Type:     function.StaticReturnType(cty.List(cty.String)),
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		n, err := parseCIDR(args[0].AsString())
		if err != nil {
			return cty.UnknownVal(cty.List(cty.String)), function.NewArgError(0, err)
		}
		start, bits := networkBits(n)
		if len(args) == 1 {
			return cty.ListValEmpty(cty.String), nil
		}
		out := make([]cty.Value, 0, len(args)-1)
		var cur *net.IPNet
		for i, a := range args[1:] {
			var length int
			if err := gocty.FromCtyValue(a, &length); err != nil {
				return cty.UnknownVal(cty.List(cty.String)), function.NewArgError(i+1, err)
			}
			if length < 1 {
				return cty.UnknownVal(cty.List(cty.String)), function.NewArgErrorf(i+1, "must extend prefix by at least one bit")
			}
			newPrefix := start + length
			if newPrefix > bits {
				v := 4
				if bits == 128 {
					v = 6
				}
				return cty.UnknownVal(cty.List(cty.String)), function.NewArgErrorf(i+1, "would extend prefix to %d bits, which is too long for an IPv%d address", newPrefix, v)
			}
			mask := net.CIDRMask(newPrefix, bits)
			var next *net.IPNet
			if cur == nil {
				next = &net.IPNet{IP: intIP(ipInt(n.IP), bits), Mask: mask}
			} else {
				// The next subnet of the new size after the current one.
				last := lastAddr(cur, bits)
				base := &net.IPNet{IP: last.Mask(mask), Mask: mask}
				after := new(big.Int).Add(ipInt(lastAddr(base, bits)), big.NewInt(1))
				limit := new(big.Int).Lsh(big.NewInt(1), uint(bits))
				nip := intIP(new(big.Int).Mod(after, limit), bits)
				next = &net.IPNet{IP: nip.Mask(mask), Mask: mask}
				if after.Cmp(limit) >= 0 || !n.Contains(next.IP) {
					return cty.UnknownVal(cty.List(cty.String)), function.NewArgErrorf(i+1, "not enough remaining address space for a subnet with a prefix of %d bits after %s", newPrefix, cur.String())
				}
			}
			cur = next
			out = append(out, cty.StringVal(next.String()))
		}
		return cty.ListVal(out), nil
	},
})

// lastAddr is the last address of a network.
func lastAddr(n *net.IPNet, bits int) net.IP {
	prefix, _ := n.Mask.Size()
	host := new(big.Int).Lsh(big.NewInt(1), uint(bits-prefix))
	host.Sub(host, big.NewInt(1))
	return intIP(new(big.Int).Or(ipInt(n.IP), host), bits)
}
