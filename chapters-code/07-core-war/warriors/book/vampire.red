;redcode-94
;name Vampire
;author the book
;assert CORESIZE == 8000
; A bomber whose bombs are JMPs into a pit. A process that runs into a fang
; does not die: it jumps into the pit, where it splits and loops, adding
; processes that do nothing to its warrior's queue, so the rest of that
; warrior runs ever more rarely. The fang's A-field points at the pit from
; wherever the fang lands: each pass, ADD.F moves the target on by `step`
; and takes `step` off the fang's A-field, so target + A-field stays the
; pit.
        org     start
step    equ     2668
start   add.f   move, fang      ; A-field down by step, B-field up by step
        mov.i   fang, @fang     ; plant the fang where the B-field points
        jmp     start
fang    jmp     pit - fang, 0   ; at fang + B, its A-field reaches the pit
move    dat     #-step, #step
pit     spl     0, 0            ; captured processes multiply here...
        jmp     pit             ; ...and go round, for ever
