; Postino's Windows installer (NSIS 3, Debian's `nsis` package). Built by
; `make package-windows` (.ci/package.sh), which passes the values from
; FyneApp.toml and the paths of the files to pack:
;   makensis -DVERSION=0.1.0 -DBUILD=1 -DPUBLISHER=... -DAPPID=... \
;            -DWEBSITE=... -DEXE=... -DICON=... -DLICENSE=... -DOUTFILE=... postino.nsi
;
; A person double-clicks it and chooses "only for me" (no administrator
; rights, %LOCALAPPDATA%\Programs\Postino) or "for everyone" (Program
; Files). IT staff push it silently:
;   Postino-setup-0.1.0.exe /S /CurrentUser      per user (the default)
;   Postino-setup-0.1.0.exe /S /AllUsers         for all users (run as admin)
;   "%LOCALAPPDATA%\Programs\Postino\Uninstall.exe" /S
; It adds a Start-menu shortcut and registers the uninstaller in "Apps &
; features" (Programs and Features) with version, publisher and icon.
; A 64-bit installer for a 64-bit program: Postino.exe is amd64 only, so
; a 32-bit installer would only add a WOW64 layer (and registry
; redirection) between the two.
Target amd64-unicode
SetCompressor /SOLID lzma
ManifestDPIAware true

!ifndef VERSION | BUILD | PUBLISHER | APPID | WEBSITE | EXE | ICON | LICENSE | OUTFILE
  !error "pass VERSION, BUILD, PUBLISHER, APPID, WEBSITE, EXE, ICON, LICENSE and OUTFILE with -D (see .ci/package.sh)"
!endif

!define NAME "Postino"
!define UNINSTALL_KEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\${APPID}"
!define APP_KEY "Software\${APPID}"

Name "${NAME}"
OutFile "${OUTFILE}"
BrandingText "${NAME} ${VERSION}"

; Per user or for everyone (NSIS's MultiUser.nsh). "Highest" asks an
; administrator for elevation, so that "for everyone" can work; a
; person without admin rights gets the per-user install silently.
!define MULTIUSER_EXECUTIONLEVEL Highest
!define MULTIUSER_MUI
!define MULTIUSER_INSTALLMODE_COMMANDLINE
!define MULTIUSER_INSTALLMODE_DEFAULT_CURRENTUSER
!define MULTIUSER_USE_PROGRAMFILES64
!define MULTIUSER_INSTALLMODE_INSTDIR "${NAME}"
; Where an earlier install went, so an upgrade and the uninstaller find it.
!define MULTIUSER_INSTALLMODE_INSTDIR_REGISTRY_KEY "${APP_KEY}"
!define MULTIUSER_INSTALLMODE_INSTDIR_REGISTRY_VALUENAME "InstallLocation"
!define MULTIUSER_INSTALLMODE_DEFAULT_REGISTRY_KEY "${APP_KEY}"
!define MULTIUSER_INSTALLMODE_DEFAULT_REGISTRY_VALUENAME "InstallLocation"
!include MultiUser.nsh
!include MUI2.nsh
!include FileFunc.nsh

!define MUI_ICON "${ICON}"
!define MUI_UNICON "${ICON}"
!define MUI_ABORTWARNING
!define MUI_FINISHPAGE_RUN "$INSTDIR\Postino.exe"

!insertmacro MUI_PAGE_WELCOME
!insertmacro MUI_PAGE_LICENSE "${LICENSE}"
!insertmacro MULTIUSER_PAGE_INSTALLMODE
!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!insertmacro MUI_PAGE_FINISH
!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_INSTFILES

; Postino speaks English and Italian; so does its installer.
!insertmacro MUI_LANGUAGE "English"
!insertmacro MUI_LANGUAGE "Italian"

VIProductVersion "${VERSION}.${BUILD}"
VIAddVersionKey /LANG=0 "ProductName" "${NAME}"
VIAddVersionKey /LANG=0 "CompanyName" "${PUBLISHER}"
VIAddVersionKey /LANG=0 "FileDescription" "${NAME} installer"
VIAddVersionKey /LANG=0 "FileVersion" "${VERSION}"
VIAddVersionKey /LANG=0 "ProductVersion" "${VERSION}"
VIAddVersionKey /LANG=0 "LegalCopyright" "${PUBLISHER}, MIT licence"

Function .onInit
  !insertmacro MULTIUSER_INIT
  !insertmacro MUI_LANGDLL_DISPLAY
FunctionEnd

Function un.onInit
  !insertmacro MULTIUSER_UNINIT
FunctionEnd

Section "Postino" SecMain
  SectionIn RO
  SetOutPath "$INSTDIR"
  File "/oname=Postino.exe" "${EXE}"
  File "/oname=LICENSE.txt" "${LICENSE}"
  WriteUninstaller "$INSTDIR\Uninstall.exe"

  ; The Start-menu entry, with the icon embedded in Postino.exe.
  CreateShortCut "$SMPROGRAMS\${NAME}.lnk" "$INSTDIR\Postino.exe" "" "$INSTDIR\Postino.exe" 0 SW_SHOWNORMAL "" "${NAME}"

  ; SHCTX is HKLM for everyone, HKCU for one user (MultiUser sets it).
  WriteRegStr SHCTX "${APP_KEY}" "InstallLocation" "$INSTDIR"
  WriteRegStr SHCTX "${UNINSTALL_KEY}" "DisplayName" "${NAME}"
  WriteRegStr SHCTX "${UNINSTALL_KEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr SHCTX "${UNINSTALL_KEY}" "Publisher" "${PUBLISHER}"
  WriteRegStr SHCTX "${UNINSTALL_KEY}" "DisplayIcon" "$INSTDIR\Postino.exe,0"
  WriteRegStr SHCTX "${UNINSTALL_KEY}" "URLInfoAbout" "${WEBSITE}"
  WriteRegStr SHCTX "${UNINSTALL_KEY}" "InstallLocation" "$INSTDIR"
  WriteRegStr SHCTX "${UNINSTALL_KEY}" "UninstallString" '"$INSTDIR\Uninstall.exe" /$MultiUser.InstallMode'
  WriteRegStr SHCTX "${UNINSTALL_KEY}" "QuietUninstallString" '"$INSTDIR\Uninstall.exe" /$MultiUser.InstallMode /S'
  WriteRegDWORD SHCTX "${UNINSTALL_KEY}" "NoModify" 1
  WriteRegDWORD SHCTX "${UNINSTALL_KEY}" "NoRepair" 1
  ${GetSize} "$INSTDIR" "/S=0K" $0 $1 $2
  WriteRegDWORD SHCTX "${UNINSTALL_KEY}" "EstimatedSize" $0
SectionEnd

; The person's settings (Fyne's preferences under %APPDATA%\fyne) are
; theirs and stay, as Windows users expect of an uninstaller.
Section "Uninstall"
  Delete "$SMPROGRAMS\${NAME}.lnk"
  Delete "$INSTDIR\Postino.exe"
  Delete "$INSTDIR\LICENSE.txt"
  Delete "$INSTDIR\Uninstall.exe"
  RMDir "$INSTDIR"
  DeleteRegKey SHCTX "${UNINSTALL_KEY}"
  DeleteRegKey SHCTX "${APP_KEY}"
SectionEnd
