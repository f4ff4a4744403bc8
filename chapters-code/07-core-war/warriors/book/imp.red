;redcode-94
;name Imp
;author the book, after A. K. Dewdney
; The smallest warrior there is. It copies itself to the next cell and
; then executes that copy, and so on round the core for ever. It is hard
; to kill, since it is never where it was, but it kills nobody: another
; warrior that runs into its trail only becomes an imp too.
        mov.i   0, 1
