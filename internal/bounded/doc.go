// Package bounded reads files with a limit on their size, so that a file
// such as /dev/zero, or a result file grown by accident or malice, is an
// error naming the file and the limit, not a process that grows until the
// kernel kills it.
package bounded
