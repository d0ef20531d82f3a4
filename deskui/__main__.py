from deskui.cli import main

raise SystemExit(main())
