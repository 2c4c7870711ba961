package gen

// Fuzzing with the generators: rapid.MakeFuzz turns a fuzzer's bytes into
// the generators' draws.

// ScenarioBytes is the length a fuzzer's input is padded to before a
// scenario is drawn from it: enough draws for any scenario (random bytes
// need up to about 6 KiB), the zero padding drawing the plainest choices
// (and ending lists).
const ScenarioBytes = 8 << 10

// Padded returns data, padded with zero bytes to n bytes if shorter.
func Padded(data []byte, n int) []byte {
	if len(data) >= n {
		return data
	}
	out := make([]byte, n)
	copy(out, data)
	return out
}

// FuzzSeeds returns seed inputs for fuzz targets that draw from the
// generators: no bytes at all (the plainest scenario) and deterministic
// noise of 64, 512 and 4096 bytes.
func FuzzSeeds() [][]byte {
	seeds := [][]byte{{}}
	x := uint64(0x9e3779b97f4a7c15)
	for _, n := range []int{64, 512, 4096} {
		b := make([]byte, n)
		for i := range b {
			x ^= x << 13
			x ^= x >> 7
			x ^= x << 17
			b[i] = byte(x)
		}
		seeds = append(seeds, b)
	}
	return seeds
}
