/* SPDX-License-Identifier: GPL-2.0-only */
/* The harness self-tests' stand-in for the hypervisor: a 32-bit Multiboot1
 * (a.out kludge, for QEMU -kernel) and Multiboot2 (GRUB) image that prints its
 * loader, command line and modules and "stubkernel: ready" on COM1, then
 * obeys ready_action=poweroff|reboot (default: halt). */
	.code32
	.section .mbhdr, "a"
	.align 4
mb1:	.long 0x1BADB002
	.long 0x00010003
	.long -(0x1BADB002 + 0x00010003)
	.long mb1, _start_load, _end_load, _end_bss, _start
	.align 8
mb2:	.long 0xE85250D6, 0, mb2_end - mb2
	.long -(0xE85250D6 + (mb2_end - mb2))
	.word 0, 0
	.long 8
mb2_end:

	.text
	.globl _start
_start:
	cli
	mov $stack_top, %esp
	mov %eax, %edi          /* magic */
	mov %ebx, %ebp          /* info */
	call uart_init
	cmp $0x36d76289, %edi
	je mb2_path
	cmp $0x2BADB002, %edi
	je mb1_path
	mov $s_badmagic, %esi
	call puts
	jmp ready

mb1_path:
	mov $s_mb1, %esi
	call puts
	testl $4, (%ebp)
	jz 1f
	mov $s_cmd, %esi
	call puts
	mov 16(%ebp), %esi
	mov %esi, cmdline
	call puts
	mov $s_nl, %esi
	call puts
1:	testl $8, (%ebp)
	jz ready
	mov 20(%ebp), %ecx
	mov 24(%ebp), %ebx
2:	test %ecx, %ecx
	jz ready
	mov $s_mod, %esi
	call puts
	mov 8(%ebx), %esi
	call puts
	mov $s_nl, %esi
	call puts
	add $16, %ebx
	dec %ecx
	jmp 2b

mb2_path:
	mov $s_mb2, %esi
	call puts
	lea 8(%ebp), %ebx
3:	mov (%ebx), %eax
	test %eax, %eax
	jz ready
	cmp $1, %eax
	jne 4f
	mov $s_cmd, %esi
	call puts
	lea 8(%ebx), %esi
	mov %esi, cmdline
	call puts
	mov $s_nl, %esi
	call puts
	jmp 5f
4:	cmp $3, %eax
	jne 5f
	mov $s_mod, %esi
	call puts
	lea 16(%ebx), %esi
	call puts
	mov $s_nl, %esi
	call puts
5:	mov 4(%ebx), %eax
	add $7, %eax
	and $~7, %eax
	add %eax, %ebx
	jmp 3b

ready:
	mov $s_ready, %esi
	call puts
	mov $s_poweroff, %edx
	call cmdline_has
	jnz do_poweroff
	mov $s_reboot, %edx
	call cmdline_has
	jnz do_reboot
halt:	hlt
	jmp halt

do_poweroff:
	mov $s_msg_off, %esi
	call puts
	mov $0x2000, %ax
	mov $0x604, %dx
	outw %ax, %dx
	mov $0xb004, %dx
	outw %ax, %dx
	jmp halt
do_reboot:
	mov $s_msg_reboot, %esi
	call puts
	mov $0xfe, %al
	outb %al, $0x64
	jmp halt

/* ZF clear (nz) if the cmdline contains the NUL-terminated string at %edx */
cmdline_has:
	mov cmdline, %esi
	test %esi, %esi
	jz 9f
6:	cmpb $0, (%esi)
	je 9f
	mov %esi, %eax
	mov %edx, %ecx
7:	movb (%ecx), %bl
	test %bl, %bl
	jz 8f
	cmpb (%eax), %bl
	jne 10f
	inc %eax
	inc %ecx
	jmp 7b
10:	inc %esi
	jmp 6b
8:	or $1, %eax      /* found: clear ZF */
	ret
9:	xor %eax, %eax   /* not found: set ZF */
	ret

uart_init:
	mov $0x3f9, %dx; mov $0, %al; outb %al, %dx
	mov $0x3fb, %dx; mov $0x80, %al; outb %al, %dx
	mov $0x3f8, %dx; mov $1, %al; outb %al, %dx
	mov $0x3f9, %dx; mov $0, %al; outb %al, %dx
	mov $0x3fb, %dx; mov $3, %al; outb %al, %dx
	mov $0x3fa, %dx; mov $0xc7, %al; outb %al, %dx
	mov $0x3fc, %dx; mov $0x0b, %al; outb %al, %dx
	ret

/* print NUL-terminated string at %esi */
puts:
	push %edx
	push %eax
11:	movb (%esi), %al
	test %al, %al
	jz 13f
	mov %al, %ah
	mov $0x3fd, %dx
12:	inb %dx, %al
	test $0x20, %al
	jz 12b
	mov $0x3f8, %dx
	mov %ah, %al
	outb %al, %dx
	inc %esi
	jmp 11b
13:	pop %eax
	pop %edx
	ret

	.section .rodata
s_badmagic: .asciz "stubkernel: unknown loader\n"
s_mb1:	.asciz "stubkernel: booted by multiboot1\n"
s_mb2:	.asciz "stubkernel: booted by multiboot2\n"
s_cmd:	.asciz "stubkernel: cmdline: "
s_mod:	.asciz "stubkernel: module: "
s_nl:	.asciz "\n"
s_ready: .asciz "stubkernel: ready\n"
s_poweroff: .asciz "ready_action=poweroff"
s_reboot: .asciz "ready_action=reboot"
s_msg_off: .asciz "stubkernel: powering off\n"
s_msg_reboot: .asciz "stubkernel: rebooting\n"

	.data
cmdline: .long 0
	.bss
	.align 16
	.skip 4096
stack_top:
