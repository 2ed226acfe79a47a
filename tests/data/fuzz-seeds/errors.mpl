relation in[x,X] : (elem, set);
#| a block
comment |#
define A[x] := (&(>[y](in[y,x])!(B[y]))(=[x,x]));
define B[x] := (A[x]);
notation in[x,X] "{x} \" {X}";
relation >[a,b] : (elem, elem);
define C[] := (>[](>[a,a])(z[]));
