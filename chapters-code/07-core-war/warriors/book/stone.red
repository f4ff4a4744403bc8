;redcode-94
;name Stone
;author the book
;assert CORESIZE == 8000
; A bomber whose pointer lives in the DJN that closes its loop. Each pass
; adds 2668 to the pointer, drops a DAT where it points, and the DJN takes
; 1 off again: the bombs land 2667 cells apart. 2667 shares no factor with
; 8000, so the bombs would visit every cell of the core in 8000 passes;
; with this step the stone's own cells are among the last: at pass 7991
; it bombs its own first instruction, and dies there. Until then it has
; bombed 7990 other cells, so it has that long to kill.
        org     loop
step    equ     2668
loop    add.ab  #step, ptr      ; move the target on
        mov.i   bomb, @ptr      ; bomb it
ptr     djn.b   loop, #0        ; loop; the B-field is the pointer
bomb    dat     #0, #0
