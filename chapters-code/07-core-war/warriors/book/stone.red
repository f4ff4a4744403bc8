;redcode-94
;name Stone
;author the book
;assert CORESIZE == 8000
; A bomber whose pointer lives in the DJN that closes its loop. Each pass
; adds 2668 to the pointer, drops a DAT where it points, and the DJN takes
; 1 off again: the bombs land 2667 cells apart. 2667 shares no factor with
; 8000, so the bombs visit every cell of the core once in 8000 passes;
; with this step the stone's own three live cells come last, at pass 7991.
; Three instructions a pass, against the dwarf's three for the same bomb,
; but nothing ties it to a step that divides the core.
        org     loop
step    equ     2668
loop    add.ab  #step, ptr      ; move the target on
        mov.i   bomb, @ptr      ; bomb it
ptr     djn.b   loop, #0        ; loop; the B-field is the pointer
bomb    dat     #0, #0
