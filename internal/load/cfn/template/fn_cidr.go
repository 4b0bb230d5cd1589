package template

import (
	"math/big"
	"net/netip"
	"strconv"
	"strings"

	"github.com/s3front/s3front/ident"
	"github.com/s3front/s3front/source"
)

// fnCidr resolves Fn::Cidr: [ipBlock, count, cidrBits]: count consecutive
// subnets of the block, each with cidrBits host bits.
func (e *Evaluator) fnCidr(call, arg *source.Node) (*source.Node, error) {
	a, err := args(call, "Fn::Cidr", arg, 3, 3, "Fn::Cidr: [\"10.0.0.0/16\", 4, 8]")
	if err != nil {
		return nil, err
	}
	bv, block, err := e.stringArg(a[0], "Fn::Cidr", "the IP block")
	if err != nil {
		return nil, err
	}
	_, cs, err := e.stringArg(a[1], "Fn::Cidr", "the count")
	if err != nil {
		return nil, err
	}
	_, bs, err := e.stringArg(a[2], "Fn::Cidr", "the CIDR bits")
	if err != nil {
		return nil, err
	}
	if ident.Has(block) || ident.Has(cs) || ident.Has(bs) {
		return e.derived("Fn::Cidr", bv, call.Pos), nil
	}
	prefix, perr := netip.ParsePrefix(strings.TrimSpace(block))
	if perr != nil {
		return nil, source.Errorf(a[0].Pos, "write a block such as 10.0.0.0/16", "Fn::Cidr: %q is not an IP block in CIDR notation", block)
	}
	prefix = prefix.Masked()
	count, cerr := strconv.Atoi(strings.TrimSpace(cs))
	if cerr != nil || count < 1 || count > 256 {
		return nil, source.Errorf(a[1].Pos, "", "Fn::Cidr count must be a number from 1 to 256, found %q", cs)
	}
	bits, berr := strconv.Atoi(strings.TrimSpace(bs))
	total := prefix.Addr().BitLen()
	if berr != nil || bits < 0 || bits > total-prefix.Bits() {
		return nil, source.Errorf(a[2].Pos, "cidrBits is the number of host bits of each subnet",
			"Fn::Cidr cidrBits must be a number from 0 to %d for %s, found %q", total-prefix.Bits(), block, bs)
	}
	newLen := total - bits
	avail := newLen - prefix.Bits()
	if avail < 63 && count > 1<<avail {
		return nil, source.Errorf(a[1].Pos, "", "Fn::Cidr: %s holds only %d subnets of /%d", block, 1<<avail, newLen)
	}
	base := new(big.Int).SetBytes(prefix.Addr().AsSlice())
	step := new(big.Int).Lsh(big.NewInt(1), uint(bits))
	out := &source.Node{Kind: source.Array, Pos: call.Pos}
	for i := range count {
		v := new(big.Int).Add(base, new(big.Int).Mul(step, big.NewInt(int64(i))))
		raw := v.FillBytes(make([]byte, total/8))
		addr, _ := netip.AddrFromSlice(raw)
		out.Elems = append(out.Elems, &source.Node{Kind: source.String, Pos: call.Pos, Text: netip.PrefixFrom(addr, newLen).String()})
	}
	return out, nil
}
