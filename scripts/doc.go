// Package scripts holds the tests of the shell scripts in this folder, which the
// Makefile and the GitHub workflows run: init-stack.sh (tested with stackinit, the Go
// program it runs) and plan-comment.sh.
package scripts
