;redcode-94
;name Imp Ring
;author the book
;assert CORESIZE == 8000
; Three imps a third of the core apart, each writing the cell the next one
; is about to execute: 3 * 2667 = 8001, one lap and one cell, so the ring
; moves on one cell every three turns. A bomb is harmless on most of the
; ring's cells, since an imp writes over it before executing it; only a
; bomb on the cell one of the three is about to execute kills it, and the
; two others go on as a broken ring. It ties, more than it wins.
;
; The launch must queue the three processes in the ring's order, with
; nothing between them: two SPLs make four processes at the JMP, each
; jumps through `ptr` to the next entry of the table (the JMP's B-operand
; moves `ptr` on), and the fourth, not needed, dies on the table's DAT.
        org     start
step    equ     2667
start   spl     1               ; two processes
        spl     1               ; four, one after the other at the JMP
        jmp     @ptr, >ptr      ; each to its entry of the table
ptr     dat     #0, table - ptr
table   jmp     imp
        jmp     imp + step
        jmp     imp + 2 * step
        dat     #0, #0
imp     mov.i   #0, step
