// Package modeladapter wraps the reference model, and each of its
// self-test mutants, as a driven adapter. The model adapter is the
// runner's baseline (it must agree with the model it is checked against,
// exactly); the mutants are implementations known to be wrong, so a run
// against them shows what the runner catches.
package modeladapter
